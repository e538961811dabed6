/** Anthropic's dated snapshot suffix ("-20250929") and alias suffix ("-latest"). */
const snapshotSuffix = /-(\d{8}|latest)$/;

/** "4-5" → "4.5": Anthropic writes versions with dashes, the catalog with dots. */
function dotVersions(name: string): string {
  return name.replace(/(?<=-\d+)-(?=\d(?:-|$))/g, ".");
}

/** Older names put the version first ("claude-3.5-haiku"); the catalog may list "claude-haiku-3.5". */
function versionLast(name: string): string | undefined {
  const match = /^claude-(\d+(?:\.\d+)?)-([a-z]+)$/.exec(name);
  return match ? `claude-${match[2]}-${match[1]}` : undefined;
}

/**
 * The catalog slug for a model name sent to the Messages API. Bare Claude names as Anthropic spells
 * them ("claude-sonnet-4-5", "claude-sonnet-4-5-20250929", "claude-3-5-haiku-latest") map to
 * "anthropic/…" slugs, tolerating the dated suffix; any other name is used as given. `exists` says
 * whether a slug is in the catalog. A name with no match is returned unchanged, so the 404 names it.
 */
export function toCatalogSlug(name: string, exists: (slug: string) => boolean): string {
  if (exists(name)) return name;
  const lower = name.trim().toLowerCase();
  const bare = lower.startsWith("anthropic/") ? lower.slice("anthropic/".length) : lower;
  if (!bare.startsWith("claude-") || bare.includes("/")) return name;
  const undated = bare.replace(snapshotSuffix, "");
  const candidates = [bare, undated, dotVersions(bare), dotVersions(undated)];
  const reordered = versionLast(dotVersions(undated));
  if (reordered) candidates.push(reordered);
  for (const candidate of candidates) {
    const slug = `anthropic/${candidate}`;
    if (exists(slug)) return slug;
  }
  return name;
}
