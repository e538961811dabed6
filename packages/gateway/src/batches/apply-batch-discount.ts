/** Parts per million, so a discount like 0.5 or 0.333333 stays integral in the cost maths. */
export const partsPerMillion = 1_000_000;

/**
 * The cost after the batch discount (`discountPpm` parts per million off), rounded once to the nearest
 * nanodollar. BigInt because cost × 1e6 can pass 2^53 for large requests.
 */
export function applyBatchDiscount(costNanodollars: number, discountPpm: number): number {
  if (costNanodollars <= 0 || discountPpm <= 0) return Math.max(0, costNanodollars);
  const kept = BigInt(partsPerMillion - Math.min(discountPpm, partsPerMillion));
  const scaled = BigInt(Math.round(costNanodollars)) * kept;
  const million = BigInt(partsPerMillion);
  return Number((scaled + million / 2n) / million);
}

/** AIG_BATCH_DISCOUNT as a fraction from 0 to 1, in parts per million. */
export function toDiscountPpm(fraction: number): number {
  return Math.round(fraction * partsPerMillion);
}
