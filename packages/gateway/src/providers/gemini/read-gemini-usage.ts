import type { Usage } from "@aigateway/protocol";
import type { TokenUsage } from "../../usage/token-usage.ts";
import type { GeminiUsageMetadata } from "./gemini-wire-types.ts";

const count = (value: unknown): number => (typeof value === "number" && Number.isFinite(value) ? value : 0);

/**
 * Gemini's usageMetadata as token counts. promptTokenCount already includes the cached tokens;
 * tool-use prompt tokens (results of Google's built-in tools) are billed as input. Thought tokens are
 * billed as output but not counted in candidatesTokenCount, so they are added to the completion.
 */
export function readGeminiUsage(metadata: GeminiUsageMetadata | undefined): TokenUsage {
  const thoughts = count(metadata?.thoughtsTokenCount);
  return {
    promptTokens: count(metadata?.promptTokenCount) + count(metadata?.toolUsePromptTokenCount),
    completionTokens: count(metadata?.candidatesTokenCount) + thoughts,
    cachedTokens: count(metadata?.cachedContentTokenCount),
    cacheWriteTokens: 0,
    reasoningTokens: thoughts,
  };
}

export function toOpenAiUsageShape(usage: TokenUsage): Usage {
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.promptTokens + usage.completionTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedTokens },
    completion_tokens_details: { reasoning_tokens: usage.reasoningTokens },
  };
}
