import type { TokenUsage } from "../../usage/token-usage.ts";
import type { ConverseUsage } from "./converse-types.ts";

const count = (value: unknown): number => (typeof value === "number" && Number.isFinite(value) ? value : 0);

/**
 * Converse usage as token counts. Like Anthropic's, Bedrock's `inputTokens` leaves out cache reads
 * and writes, so the prompt total adds them back. Converse does not count reasoning tokens apart from
 * the answer (they are inside `outputTokens`), so reasoningTokens stays 0.
 */
export function readConverseUsage(usage: ConverseUsage | null | undefined): TokenUsage {
  const cachedTokens = count(usage?.cacheReadInputTokens);
  const cacheWriteTokens = count(usage?.cacheWriteInputTokens);
  return {
    promptTokens: count(usage?.inputTokens) + cachedTokens + cacheWriteTokens,
    completionTokens: count(usage?.outputTokens),
    cachedTokens,
    cacheWriteTokens,
    reasoningTokens: 0,
  };
}
