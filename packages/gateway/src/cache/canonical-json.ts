/**
 * JSON with object keys sorted at every depth and `null`/`undefined` members dropped, so two requests
 * that mean the same thing serialise to the same text whatever order their fields came in.
 */
export function toCanonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map((item) => toCanonicalJson(item ?? null)).join(",")}]`;
  const record = value as Record<string, unknown>;
  const members = Object.keys(record)
    .filter((key) => record[key] !== undefined && record[key] !== null)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${toCanonicalJson(record[key])}`);
  return `{${members.join(",")}}`;
}
