import type { Usage } from "@aigateway/protocol";
import type { TokenUsage } from "../../usage/token-usage.ts";

const count = (value: unknown): number => (typeof value === "number" && Number.isFinite(value) ? value : 0);

/** OpenAI-shaped usage (as OpenAI, Groq, DeepSeek, Mistral, xAI and others send it) as token counts. */
export function readOpenAiUsage(usage: Partial<Usage> | null | undefined): TokenUsage {
  const promptDetails = usage?.prompt_tokens_details;
  const completionDetails = usage?.completion_tokens_details;
  // DeepSeek reports cache hits in its own field instead of prompt_tokens_details.
  const deepSeekCacheHits = (usage as { prompt_cache_hit_tokens?: unknown } | undefined)
    ?.prompt_cache_hit_tokens;
  return {
    promptTokens: count(usage?.prompt_tokens),
    completionTokens: count(usage?.completion_tokens),
    cachedTokens: count(promptDetails?.cached_tokens) || count(deepSeekCacheHits),
    cacheWriteTokens: 0,
    reasoningTokens: count(completionDetails?.reasoning_tokens),
  };
}

/** Token counts back in the OpenAI usage shape, with the cost in USD. */
export function toOpenAiUsage(usage: TokenUsage, costUsd: number): Usage {
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.promptTokens + usage.completionTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedTokens },
    completion_tokens_details: { reasoning_tokens: usage.reasoningTokens },
    cost: costUsd,
  };
}
