import type { GeminiThinkingConfig } from "./gemini-wire-types.ts";

/** Gemini 3 and later take a thinking level; 2.5 takes a token budget. Read from the upstream model id. */
export function usesThinkingLevel(upstreamModel: string): boolean {
  const major = /gemini-(\d+)/.exec(upstreamModel)?.[1];
  return major !== undefined && Number(major) >= 3;
}

const levels: Record<string, GeminiThinkingConfig["thinkingLevel"]> = {
  none: "minimal",
  minimal: "minimal",
  low: "low",
  medium: "medium",
  high: "high",
  xhigh: "high",
  max: "high",
};

// 24,576 is the largest budget every 2.5 model accepts (Flash's ceiling; Pro's is 32,768).
const budgets: Record<string, number> = {
  none: 0,
  minimal: 512,
  low: 2_048,
  medium: 8_192,
  high: 24_576,
  xhigh: 24_576,
  max: 24_576,
};

/**
 * OpenAI's reasoning_effort as Gemini's thinkingConfig. Thought summaries are requested
 * (includeThoughts) so they come back as reasoning_content, except for "none". Gemini 3 cannot turn
 * thinking off, so "none" is its lowest level ("minimal"; Gemini 3 Pro rejects it with a 400);
 * 2.5 Pro cannot either, and rejects a zero budget the same way.
 */
export function toGeminiThinkingConfig(effort: string, upstreamModel: string): GeminiThinkingConfig {
  const includeThoughts = effort !== "none";
  if (usesThinkingLevel(upstreamModel)) {
    return { thinkingLevel: levels[effort] ?? "high", includeThoughts };
  }
  return { thinkingBudget: budgets[effort] ?? budgets.medium ?? 8_192, includeThoughts };
}
