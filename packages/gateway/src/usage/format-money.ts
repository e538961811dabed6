/** Nanodollars as a decimal string of US cents with at most 6 decimals (the X-Cost-Cents header). */
export function formatCents(nanodollars: number): string {
  // 1 cent = 1e7 nanodollars; 6 decimals of a cent = units of 10 nanodollars.
  const millionthsOfCent = Math.round(nanodollars / 10);
  const whole = Math.floor(millionthsOfCent / 1_000_000);
  const fraction = String(millionthsOfCent % 1_000_000)
    .padStart(6, "0")
    .replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : String(whole);
}

/** Nanodollars as US dollars for the `usage.cost` field. */
export function toUsd(nanodollars: number): number {
  return nanodollars / 1e9;
}

/** Nanodollars as (fractional) cents for JSON fields such as `cost_cents`. */
export function toCents(nanodollars: number): number {
  return Number(formatCents(nanodollars));
}
