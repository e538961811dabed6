import type { RoutePrice } from "../catalog/catalog.ts";

/**
 * A job's cost in integer nanodollars: prices are micro-dollars per second of output or per minute of
 * input audio, so seconds × price × 1000 is nanodollars (per minute: divided by 60, rounded once).
 * Seconds may be fractional (audio durations), so the product is rounded to the nearest nanodollar.
 */
export function computeJobCostNanodollars(price: RoutePrice, billedSeconds: number): number {
  const seconds = Math.max(0, billedSeconds);
  if (price.perSecond !== undefined) return Math.round(seconds * price.perSecond * 1000);
  if (price.perMinute !== undefined) return Math.round((seconds * price.perMinute * 1000) / 60);
  return 0;
}
