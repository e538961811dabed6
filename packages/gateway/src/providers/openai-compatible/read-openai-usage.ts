import type { Usage } from "@aigateway/protocol";
import type { TokenUsage } from "../../usage/token-usage.ts";
import { readTokenCount } from "../read-token-count.ts";

/**
 * True when the vendor left reasoning out of completion_tokens, as xAI does (its total_tokens is
 * prompt + completion + reasoning). OpenAI's completion_tokens includes reasoning, and so does the
 * gateway's: reasoning is output, billed at the output price.
 */
export function countsReasoningApart(usage: Partial<Usage> | null | undefined): boolean {
  const reasoning = readTokenCount(usage?.completion_tokens_details?.reasoning_tokens);
  return (
    reasoning > 0 &&
    readTokenCount(usage?.total_tokens) ===
      readTokenCount(usage?.prompt_tokens) + readTokenCount(usage?.completion_tokens) + reasoning
  );
}

/** OpenAI-shaped usage (as OpenAI, Groq, DeepSeek, Mistral, xAI and others send it) as token counts. */
export function readOpenAiUsage(usage: Partial<Usage> | null | undefined): TokenUsage {
  const promptDetails = usage?.prompt_tokens_details;
  const completionDetails = usage?.completion_tokens_details;
  // DeepSeek reports cache hits in its own field instead of prompt_tokens_details.
  const deepSeekCacheHits = (usage as { prompt_cache_hit_tokens?: unknown } | undefined)
    ?.prompt_cache_hit_tokens;
  const reasoningTokens = readTokenCount(completionDetails?.reasoning_tokens);
  return {
    promptTokens: readTokenCount(usage?.prompt_tokens),
    completionTokens:
      readTokenCount(usage?.completion_tokens) + (countsReasoningApart(usage) ? reasoningTokens : 0),
    cachedTokens: readTokenCount(promptDetails?.cached_tokens) || readTokenCount(deepSeekCacheHits),
    cacheWriteTokens: 0,
    reasoningTokens,
  };
}

/**
 * Token counts back in the OpenAI usage shape, with the cost in USD once it is known (adapters fill
 * the shape before pricing; the gateway adds the cost). Cache writes are reported as
 * OpenRouter does (prompt_tokens_details.cache_write_tokens), the same field the Anthropic and Bedrock
 * answers carry, so a streamed answer's final usage chunk says what the non-streamed answer would.
 */
export function toOpenAiUsage(usage: TokenUsage, costUsd?: number): Usage {
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.promptTokens + usage.completionTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedTokens, cache_write_tokens: usage.cacheWriteTokens },
    completion_tokens_details: { reasoning_tokens: usage.reasoningTokens },
    ...(costUsd === undefined ? {} : { cost: costUsd }),
  };
}
