import type { TokenUsage } from "../../usage/token-usage.ts";
import type { CohereUsage } from "./cohere-wire.ts";

const count = (value: unknown): number => (typeof value === "number" && Number.isFinite(value) ? value : 0);

/**
 * Cohere reports two counts: `tokens` (what the model actually read and wrote, including Cohere's own
 * preamble) and `billed_units` (what Cohere invoices). The gateway counts `tokens` when present, as
 * the other adapters count model tokens, and falls back to `billed_units`; `cached_tokens` is a part
 * of `tokens.input_tokens`. Cohere does not report reasoning tokens separately.
 */
export function readCohereUsage(usage: CohereUsage | null | undefined): TokenUsage {
  const counted = usage?.tokens ?? usage?.billed_units;
  const promptTokens = count(counted?.input_tokens);
  return {
    promptTokens,
    completionTokens: count(counted?.output_tokens),
    cachedTokens: usage?.tokens ? Math.min(count(usage.cached_tokens), promptTokens) : 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
  };
}
