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
 * thinking off, so "none" is its lowest level; 2.5 Pro cannot either and answers a zero budget with
 * its own 400.
 */
export function toGeminiThinkingConfig(effort: string, upstreamModel: string): GeminiThinkingConfig {
  const includeThoughts = effort !== "none";
  if (usesThinkingLevel(upstreamModel)) {
    let thinkingLevel = levels[effort] ?? "high";
    // Gemini 3 Pro takes only "low" and "high"; the nearest of the two keeps a common effort from a 400.
    if (/gemini-3(\.0)?-pro/.test(upstreamModel))
      thinkingLevel = thinkingLevel === "minimal" || thinkingLevel === "low" ? "low" : "high";
    return { thinkingLevel, includeThoughts };
  }
  return { thinkingBudget: budgets[effort] ?? budgets.medium ?? 8_192, includeThoughts };
}
