/** A vendor field that should be a string, or "" when it is missing or of another type. */
export function readString(value: unknown): string {
  return typeof value === "string" ? value : "";
}
