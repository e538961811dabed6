/** Edit distance, bounded to short strings (slugs), used to suggest what the user probably meant. */
function measureEditDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The closest catalog slugs to an unknown model name, best first. */
export function suggestSimilarSlugs(unknown: string, slugs: readonly string[], limit = 3): string[] {
  const wanted = unknown.toLowerCase().slice(0, 80);
  const bareWanted = wanted.includes("/") ? wanted.slice(wanted.indexOf("/") + 1) : wanted;
  return slugs
    .map((slug) => {
      const bare = slug.slice(slug.indexOf("/") + 1);
      const distance = Math.min(measureEditDistance(wanted, slug), measureEditDistance(bareWanted, bare));
      const containment = slug.includes(bareWanted) || bareWanted.includes(bare) ? -2 : 0;
      return { slug, score: distance + containment };
    })
    .sort((left, right) => left.score - right.score || left.slug.localeCompare(right.slug))
    .slice(0, limit)
    .map((entry) => entry.slug);
}
