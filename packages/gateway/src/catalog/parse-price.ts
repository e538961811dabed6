/**
 * Converts a decimal USD string to integer micro-dollars, with string arithmetic so "0.075" is exactly
 * 75000 and never 74999.99999. The unit is whatever the price is quoted in (per 1M tokens, per image,
 * per second, per minute, per 1K characters).
 */
export function parseUsdToMicrodollars(decimal: string): number {
  const match = /^(\d+)(?:\.(\d{1,6}))?$/.exec(decimal);
  if (!match) throw new Error(`Invalid price "${decimal}"`);
  const whole = match[1] ?? "0";
  const fraction = (match[2] ?? "").padEnd(6, "0");
  return Number(whole) * 1_000_000 + Number(fraction);
}

/** A token price: decimal USD per 1M tokens to integer micro-dollars per 1M tokens. */
export const parseUsdPerMillion = parseUsdToMicrodollars;

/** Integer micro-dollars back to the shortest decimal USD string ("0.075", "2.5", "0"). */
export function formatMicrodollars(microdollars: number): string {
  const whole = Math.trunc(microdollars / 1_000_000);
  const fraction = String(microdollars % 1_000_000)
    .padStart(6, "0")
    .replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : String(whole);
}
