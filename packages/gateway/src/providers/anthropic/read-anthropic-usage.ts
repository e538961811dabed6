import type { Usage } from "@aigateway/protocol";
import type { TokenUsage } from "../../usage/token-usage.ts";
import type { AnthropicUsage } from "./anthropic-wire-types.ts";

const count = (value: unknown): number =>
  typeof value === "number" && Number.isFinite(value) && value > 0 ? value : 0;

/**
 * Anthropic counts uncached input, cache reads and cache writes separately; the gateway's prompt
 * count is all three (what OpenAI's prompt_tokens means), with reads and writes also broken out.
 */
export function readAnthropicUsage(usage: AnthropicUsage | null | undefined): TokenUsage {
  const cachedTokens = count(usage?.cache_read_input_tokens);
  const cacheWriteTokens = count(usage?.cache_creation_input_tokens);
  return {
    promptTokens: count(usage?.input_tokens) + cachedTokens + cacheWriteTokens,
    completionTokens: count(usage?.output_tokens),
    cachedTokens,
    cacheWriteTokens,
    reasoningTokens: count(usage?.output_tokens_details?.thinking_tokens),
  };
}

/** Token counts in OpenAI's usage shape (cache writes as OpenRouter reports them). */
export function toOpenAiUsageFields(usage: TokenUsage): Usage {
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.promptTokens + usage.completionTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedTokens, cache_write_tokens: usage.cacheWriteTokens },
    completion_tokens_details: { reasoning_tokens: usage.reasoningTokens },
  };
}

/**
 * Merges a stream's usage reports: message_start has the input counts, message_delta the final output
 * count and, on some endpoints, revised input counts. A field present later wins.
 */
export function mergeAnthropicUsage(
  previous: AnthropicUsage | undefined,
  next: AnthropicUsage | null | undefined,
): AnthropicUsage | undefined {
  if (!next) return previous;
  const merged: AnthropicUsage = { ...previous };
  for (const [field, value] of Object.entries(next)) {
    if (value !== null && value !== undefined) merged[field] = value;
  }
  return merged;
}
