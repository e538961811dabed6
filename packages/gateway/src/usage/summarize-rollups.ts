import type { UsageRollup } from "../storage/storage.ts";
import { toCents } from "./format-money.ts";

export interface UsageTotals {
  requests: number;
  errors: number;
  costNanodollars: number;
  promptTokens: number;
  completionTokens: number;
}

const empty = (): UsageTotals => ({
  requests: 0,
  errors: 0,
  costNanodollars: 0,
  promptTokens: 0,
  completionTokens: 0,
});

function add(totals: UsageTotals, rollup: UsageRollup): void {
  totals.requests += rollup.requests;
  totals.errors += rollup.errors;
  totals.costNanodollars += rollup.costNanodollars;
  totals.promptTokens += rollup.promptTokens;
  totals.completionTokens += rollup.completionTokens;
}

export function sumRollups(rollups: readonly UsageRollup[]): UsageTotals {
  const totals = empty();
  for (const rollup of rollups) add(totals, rollup);
  return totals;
}

/** Totals per distinct value of `keyOf`, sorted by that value; sums stay integer nanodollars. */
export function groupRollups(
  rollups: readonly UsageRollup[],
  keyOf: (rollup: UsageRollup) => string,
): [string, UsageTotals][] {
  const groups = new Map<string, UsageTotals>();
  for (const rollup of rollups) {
    const key = keyOf(rollup);
    const totals = groups.get(key) ?? empty();
    add(totals, rollup);
    groups.set(key, totals);
  }
  return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The JSON fields of a usage row: cost in (fractional) cents, converted once from the exact sum. */
export function toUsageFields(totals: UsageTotals) {
  return {
    requests: totals.requests,
    errors: totals.errors,
    cost_cents: toCents(totals.costNanodollars),
    prompt_tokens: totals.promptTokens,
    completion_tokens: totals.completionTokens,
  };
}
