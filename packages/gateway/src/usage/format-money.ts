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

export const nanodollarsPerCent = 10_000_000;

/** Whole cents (an API's `*_cents` input) as nanodollars. */
export function centsToNanodollars(cents: number): number {
  return Math.round(cents * nanodollarsPerCent);
}

/** "$50.00" for messages; amounts under a cent keep four decimals so they do not read as zero. */
export function formatDollars(nanodollars: number): string {
  const dollars = nanodollars / 1e9;
  const sign = dollars < 0 ? "-" : "";
  const magnitude = Math.abs(dollars);
  return `${sign}$${magnitude > 0 && magnitude < 0.01 ? magnitude.toFixed(4) : magnitude.toFixed(2)}`;
}
