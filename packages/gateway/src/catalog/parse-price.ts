/**
 * Converts a decimal USD-per-1M-tokens string to integer micro-dollars per 1M tokens, with string
 * arithmetic so "0.075" is exactly 75000 and never 74999.99999.
 */
export function parseUsdPerMillion(decimal: string): number {
  const match = /^(\d+)(?:\.(\d{1,6}))?$/.exec(decimal);
  if (!match) throw new Error(`Invalid price "${decimal}"`);
  const whole = match[1] ?? "0";
  const fraction = (match[2] ?? "").padEnd(6, "0");
  return Number(whole) * 1_000_000 + Number(fraction);
}
