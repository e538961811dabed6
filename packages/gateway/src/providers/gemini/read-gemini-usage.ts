import type { TokenUsage } from "../../usage/token-usage.ts";
import type { GeminiUsageMetadata } from "./gemini-wire-types.ts";
import { readTokenCount } from "../read-token-count.ts";

/**
 * Gemini's usageMetadata as token counts. promptTokenCount already includes the cached tokens;
 * tool-use prompt tokens (results of Google's built-in tools) are billed as input. Thought tokens are
 * billed as output but not counted in candidatesTokenCount, so they are added to the completion.
 */
export function readGeminiUsage(metadata: GeminiUsageMetadata | undefined): TokenUsage {
  const thoughts = readTokenCount(metadata?.thoughtsTokenCount);
  return {
    promptTokens:
      readTokenCount(metadata?.promptTokenCount) + readTokenCount(metadata?.toolUsePromptTokenCount),
    completionTokens: readTokenCount(metadata?.candidatesTokenCount) + thoughts,
    cachedTokens: readTokenCount(metadata?.cachedContentTokenCount),
    cacheWriteTokens: 0,
    reasoningTokens: thoughts,
  };
}
