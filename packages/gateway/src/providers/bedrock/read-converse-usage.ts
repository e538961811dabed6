import type { TokenUsage } from "../../usage/token-usage.ts";
import type { ConverseUsage } from "./converse-types.ts";
import { readTokenCount } from "../read-token-count.ts";

/**
 * Converse usage as token counts. Like Anthropic's, Bedrock's `inputTokens` leaves out cache reads
 * and writes, so the prompt total adds them back. Converse does not count reasoning tokens apart from
 * the answer (they are inside `outputTokens`), so reasoningTokens stays 0.
 */
export function readConverseUsage(usage: ConverseUsage | null | undefined): TokenUsage {
  const cachedTokens = readTokenCount(usage?.cacheReadInputTokens);
  const cacheWriteTokens = readTokenCount(usage?.cacheWriteInputTokens);
  return {
    promptTokens: readTokenCount(usage?.inputTokens) + cachedTokens + cacheWriteTokens,
    completionTokens: readTokenCount(usage?.outputTokens),
    cachedTokens,
    cacheWriteTokens,
    reasoningTokens: 0,
  };
}
