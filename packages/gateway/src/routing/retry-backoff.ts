/** Jittered exponential backoff: 250 ms, doubling, ±20 % (the retry guidance the API publishes). */
export interface BackoffSettings {
  baseMs: number;
  maxMs: number;
  /** Fraction of the delay added or removed at random (0.2 = ±20 %). */
  jitter: number;
}

export const defaultBackoff: BackoffSettings = { baseMs: 250, maxMs: 4_000, jitter: 0.2 };

/** The wait before retry number `retry` (1 for the first retry). `random` returns [0, 1). */
export function computeBackoffMs(
  retry: number,
  random: () => number,
  settings: BackoffSettings = defaultBackoff,
): number {
  const exponential = Math.min(settings.maxMs, settings.baseMs * 2 ** Math.max(0, retry - 1));
  const spread = 1 + settings.jitter * (2 * random() - 1);
  return Math.max(0, Math.round(exponential * spread));
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * How long the upstream asked us to wait, in ms: `retry-after-ms` (OpenAI, Azure), else `retry-after`
 * as seconds or as an HTTP date. Undefined when absent or unreadable.
 */
export function readRetryAfterMs(
  headers: Record<string, string | string[] | undefined>,
  nowMs: number,
): number | undefined {
  const milliseconds = Number(firstHeader(headers["retry-after-ms"]));
  if (Number.isFinite(milliseconds) && milliseconds >= 0 && firstHeader(headers["retry-after-ms"]) !== "") {
    return Math.round(milliseconds);
  }
  const raw = firstHeader(headers["retry-after"])?.trim();
  if (!raw) return undefined;
  if (/^\d+(\.\d+)?$/.test(raw)) return Math.round(Number(raw) * 1000);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}
