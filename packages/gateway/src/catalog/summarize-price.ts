import type { Pricing, PricingUnit } from "./catalog-schema.ts";

const labels: Record<PricingUnit, string> = {
  input: "/1M input tokens",
  output: "/1M output tokens",
  cached_input: "/1M cached input tokens",
  cache_write: "/1M cache-write tokens",
  per_image: "/image",
  per_second: "/second",
  per_minute: "/minute",
  per_1k_characters: "/1K characters",
  per_1k_searches: "/1K searches",
};

/** A one-line human price, e.g. "$2.50/1M input tokens, $10/1M output tokens". */
export function summarizePrice(pricing: Pricing): string {
  const parts: string[] = [];
  for (const [unit, label] of Object.entries(labels) as [PricingUnit, string][]) {
    const value = pricing[unit];
    // An embedding's "0" output price is a placeholder, not a price worth reading.
    if (value === undefined || (unit === "output" && value === "0" && pricing.input !== undefined)) continue;
    parts.push(`$${value}${label}`);
  }
  return parts.join(", ");
}
