import type { TokenUsage } from "../../usage/token-usage.ts";
import type { AnthropicUsage } from "./anthropic-wire-types.ts";
import { readTokenCount } from "../read-token-count.ts";

/**
 * Anthropic counts uncached input, cache reads and cache writes separately; the gateway's prompt
 * count is all three (what OpenAI's prompt_tokens means), with reads and writes also broken out.
 */
export function readAnthropicUsage(usage: AnthropicUsage | null | undefined): TokenUsage {
  const cachedTokens = readTokenCount(usage?.cache_read_input_tokens);
  const cacheWriteTokens = readTokenCount(usage?.cache_creation_input_tokens);
  return {
    promptTokens: readTokenCount(usage?.input_tokens) + cachedTokens + cacheWriteTokens,
    completionTokens: readTokenCount(usage?.output_tokens),
    cachedTokens,
    cacheWriteTokens,
    reasoningTokens: readTokenCount(usage?.output_tokens_details?.thinking_tokens),
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
