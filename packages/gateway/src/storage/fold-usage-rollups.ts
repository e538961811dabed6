import type { UsageRecord, UsageRollup } from "./storage.ts";

const dayMs = 86_400_000;
let lastDay = { start: Number.NaN, periods: { day: "", month: "" } };

/** UTC calendar day and month of a millisecond timestamp (formatted once per day: it runs per request). */
export function toUsagePeriods(createdAt: number): { day: string; month: string } {
  const start = createdAt - (((createdAt % dayMs) + dayMs) % dayMs);
  if (start !== lastDay.start) {
    const day = new Date(start).toISOString().slice(0, 10);
    lastDay = { start, periods: { day, month: day.slice(0, 7) } };
  }
  return lastDay.periods;
}

/**
 * Folds a batch of usage rows into day and month rollup increments, one per distinct key, sorted by
 * key: two replicas upserting overlapping rollups then lock rows in the same order and cannot deadlock,
 * and PostgreSQL's ON CONFLICT never meets the same row twice in one statement.
 */
export function foldUsageRollups(records: readonly UsageRecord[]): UsageRollup[] {
  const byKey = new Map<string, UsageRollup>();
  for (const record of records) {
    const periods = toUsagePeriods(record.createdAt);
    for (const [granularity, period] of [
      ["day", periods.day],
      ["month", periods.month],
    ] as const) {
      const rollup: UsageRollup = {
        granularity,
        period,
        billingAccountId: record.billingAccountId ?? record.accountId ?? "",
        accountId: record.accountId ?? "",
        tag: record.tag ?? "",
        model: record.model ?? "",
        requests: 0,
        errors: 0,
        costNanodollars: 0,
        promptTokens: 0,
        completionTokens: 0,
      };
      const key = JSON.stringify([
        rollup.billingAccountId,
        granularity,
        period,
        rollup.accountId,
        rollup.tag,
        rollup.model,
      ]);
      const existing = byKey.get(key) ?? rollup;
      existing.requests += 1;
      if (record.status >= 400) existing.errors += 1;
      existing.costNanodollars += record.costNanodollars;
      existing.promptTokens += record.promptTokens;
      existing.completionTokens += record.completionTokens;
      byKey.set(key, existing);
    }
  }
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, rollup]) => rollup);
}
