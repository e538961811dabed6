import type { RoutePrice } from "../catalog/catalog.ts";
import type { TokenUsage } from "./token-usage.ts";

/**
 * Cost of a request in integer nanodollars. Prices are micro-dollars per 1M tokens, so
 * tokens × price is picodollars; the sum is kept exact and rounded once, to the nearest nanodollar.
 * Cached and cache-write tokens are part of the prompt but billed at their own rates; reasoning tokens
 * are part of the completion and billed at the output rate.
 */
export function computeCostNanodollars(usage: TokenUsage, price: RoutePrice): number {
  const cached = Math.min(usage.cachedTokens, usage.promptTokens);
  const cacheWrite = Math.min(usage.cacheWriteTokens, usage.promptTokens - cached);
  const uncached = usage.promptTokens - cached - cacheWrite;
  const picodollars =
    uncached * price.input +
    cached * price.cachedInput +
    cacheWrite * price.cacheWrite +
    usage.completionTokens * price.output;
  return Math.round(picodollars / 1000);
}
