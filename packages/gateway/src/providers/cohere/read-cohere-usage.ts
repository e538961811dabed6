import type { TokenUsage } from "../../usage/token-usage.ts";
import type { CohereUsage } from "./cohere-wire.ts";
import { readTokenCount } from "../read-token-count.ts";

/**
 * Cohere reports two counts: `tokens` (what the model actually read and wrote, including Cohere's own
 * preamble, most of it cached) and `billed_units` (what Cohere invoices: 12 input tokens where
 * `tokens` says 507 in a recorded reply). Cost must match the vendor's invoice, so the gateway counts
 * `billed_units` and falls back to `tokens` only when the bill is absent; `cached_tokens` is a part of
 * `tokens.input_tokens` and applies only then. Cohere does not report reasoning tokens separately.
 */
export function readCohereUsage(usage: CohereUsage | null | undefined): TokenUsage {
  const billed = usage?.billed_units;
  const counted = billed ?? usage?.tokens;
  const promptTokens = readTokenCount(counted?.input_tokens);
  return {
    promptTokens,
    completionTokens: readTokenCount(counted?.output_tokens),
    cachedTokens: !billed && usage?.tokens ? Math.min(readTokenCount(usage.cached_tokens), promptTokens) : 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
  };
}
