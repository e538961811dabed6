import type { Usage } from "@aigateway/protocol";
import { readOpenAiUsage } from "../providers/openai-compatible/read-openai-usage.ts";
import type { MessagesUsage } from "./anthropic-messages-types.ts";

const count = (value: unknown): number => (typeof value === "number" && Number.isFinite(value) ? value : 0);

/**
 * OpenAI-shaped usage in Anthropic's terms. Anthropic's `input_tokens` excludes cache reads and cache
 * writes, which it reports beside it; OpenAI's `prompt_tokens` includes them.
 */
export function toMessagesUsage(usage: Partial<Usage> | null | undefined): MessagesUsage {
  const tokens = readOpenAiUsage(usage);
  const details = usage?.prompt_tokens_details as Record<string, unknown> | null | undefined;
  const cacheWrite = Math.max(tokens.cacheWriteTokens, count(details?.cache_write_tokens));
  const cached = Math.min(tokens.cachedTokens, tokens.promptTokens);
  return {
    input_tokens: Math.max(0, tokens.promptTokens - cached - cacheWrite),
    output_tokens: tokens.completionTokens,
    cache_creation_input_tokens: cacheWrite,
    cache_read_input_tokens: cached,
  };
}
