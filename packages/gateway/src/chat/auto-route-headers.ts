import type { AutoRouteDecision } from "../routing/decide-auto-route.ts";
import { computeCostNanodollars } from "../usage/compute-cost.ts";
import { formatCents } from "../usage/format-money.ts";
import type { TokenUsage } from "../usage/token-usage.ts";

/** Header values must be visible ASCII; a reason is prose built from catalog slugs and signals. */
function toHeaderText(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, "?").slice(0, 300);
}

/** The decision headers, known before the first byte (sent up front on streams too). */
export function toAutoDecisionHeaders(decision: AutoRouteDecision): Record<string, string> {
  return {
    "x-auto-routed": "true",
    "x-routing-selected": decision.selected.id,
    "x-routing-reason": toHeaderText(decision.reason),
    "x-routing-complexity": decision.complexity,
    "x-routing-quality": decision.quality.toFixed(3),
    "x-auto-baseline-model": decision.baseline.id,
  };
}

export interface AutoRouteCharges {
  /** What the same tokens would have cost on the baseline model. */
  baselineNanodollars: number;
  /** The router's fee: a share of the gross saving (0 unless the operator sets one). */
  feeNanodollars: number;
  /** Baseline cost minus what the request cost including the fee; never negative. */
  savingsNanodollars: number;
}

/**
 * Savings measured on the actual usage: the tokens the request used, priced at the baseline's catalog
 * price, against the served route's price. The fee is `feePercent` of the gross saving.
 */
export function computeAutoRouteCharges(
  decision: AutoRouteDecision,
  usage: TokenUsage,
  costNanodollars: number,
  feePercent: number,
): AutoRouteCharges {
  const baselineNanodollars = computeCostNanodollars(usage, decision.baselinePrice);
  const gross = Math.max(0, baselineNanodollars - costNanodollars);
  const feeNanodollars = Math.round((gross * feePercent) / 100);
  return { baselineNanodollars, feeNanodollars, savingsNanodollars: gross - feeNanodollars };
}

export function toAutoChargeHeaders(charges: AutoRouteCharges): Record<string, string> {
  return {
    "x-auto-baseline-cost-cents": formatCents(charges.baselineNanodollars),
    "x-auto-route-fee-cents": formatCents(charges.feeNanodollars),
    "x-auto-savings-cents": formatCents(charges.savingsNanodollars),
  };
}
