/**
 * OpenAI's reasoning_effort as an Anthropic extended-thinking budget (tokens). Fixed budgets keep the
 * cost of an effort level predictable whatever max_tokens is; "none" turns thinking off.
 */
export const thinkingBudgets: Readonly<Record<string, number>> = {
  minimal: 1024,
  low: 4096,
  medium: 16384,
  high: 32768,
  xhigh: 49152,
  max: 65536,
};

/** Anthropic's smallest accepted budget_tokens. */
export const minimumThinkingBudget = 1024;

/**
 * The budget for an effort under a max_tokens limit, or undefined when thinking is off or cannot fit.
 * Anthropic requires 1024 ≤ budget_tokens < max_tokens, and (as in OpenAI's max_completion_tokens)
 * thinking counts toward max_tokens, so the budget is capped just below it.
 */
export function toThinkingBudget(effort: string | undefined, maxTokens: number): number | undefined {
  if (effort === undefined) return undefined;
  const budget = thinkingBudgets[effort];
  if (budget === undefined) return undefined;
  const capped = Math.min(budget, maxTokens - 1);
  return capped >= minimumThinkingBudget ? capped : undefined;
}
