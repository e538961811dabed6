/** A vendor's token count, or 0 when it is missing, not a number or negative: usage never fails a request. */
export function readTokenCount(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : 0;
}
