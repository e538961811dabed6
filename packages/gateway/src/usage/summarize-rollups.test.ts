import assert from "node:assert/strict";
import { test } from "node:test";
import type { UsageRollup } from "../storage/storage.ts";
import { groupRollups, sumRollups, toUsageFields } from "./summarize-rollups.ts";

const rollup = (tag: string, costNanodollars: number): UsageRollup => ({
  granularity: "month",
  period: "2026-11",
  billingAccountId: "acct_1",
  accountId: "acct_1",
  tag,
  model: "openai/gpt-4o-mini",
  requests: 1,
  errors: 0,
  costNanodollars,
  promptTokens: 10,
  completionTokens: 5,
});

test("sums in integer nanodollars and converts to cents once", () => {
  // 0.1 + 0.2 cents in floats would be 0.30000000000000004.
  const totals = sumRollups([rollup("a", 1_000_000), rollup("b", 2_000_000)]);
  assert.equal(totals.costNanodollars, 3_000_000);
  assert.equal(toUsageFields(totals).cost_cents, 0.3);
});

test("groups by key, sorted", () => {
  const groups = groupRollups([rollup("b", 1), rollup("a", 2), rollup("b", 3)], (row) => row.tag);
  assert.deepEqual(
    groups.map(([key, totals]) => [key, totals.requests, totals.costNanodollars]),
    [
      ["a", 1, 2],
      ["b", 2, 4],
    ],
  );
});
