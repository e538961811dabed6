import assert from "node:assert/strict";
import { test } from "node:test";
import type { UsageRecord } from "./storage.ts";
import { foldUsageRollups } from "./fold-usage-rollups.ts";

const base: UsageRecord = {
  requestId: "req_1",
  accountId: "sa_1",
  billingAccountId: "acct_1",
  keyId: "key_1",
  tag: "search",
  endpoint: "/v1/chat/completions",
  model: "openai/gpt-4o-mini",
  provider: "openai",
  status: 200,
  errorType: null,
  stream: false,
  latencyMs: 10,
  timeToFirstTokenMs: 5,
  promptTokens: 10,
  completionTokens: 20,
  cachedTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
  costNanodollars: 1_234,
  createdAt: Date.UTC(2026, 10, 24, 23, 59),
};

test("folds rows into one day and one month rollup per key, summing exactly", () => {
  const rollups = foldUsageRollups([
    base,
    { ...base, requestId: "req_2", status: 502, costNanodollars: 0, promptTokens: 3, completionTokens: 0 },
    { ...base, requestId: "req_3", createdAt: Date.UTC(2026, 10, 25, 0, 1), costNanodollars: 7 },
  ]);
  const day24 = rollups.find((rollup) => rollup.period === "2026-11-24");
  assert.deepEqual(
    {
      requests: day24?.requests,
      errors: day24?.errors,
      cost: day24?.costNanodollars,
      prompt: day24?.promptTokens,
    },
    { requests: 2, errors: 1, cost: 1_234, prompt: 13 },
  );
  assert.equal(rollups.find((rollup) => rollup.period === "2026-11-25")?.costNanodollars, 7);
  const month = rollups.filter((rollup) => rollup.granularity === "month");
  assert.equal(month.length, 1);
  assert.equal(month[0]?.costNanodollars, 1_241);
  assert.equal(month[0]?.requests, 3);
});

test("untagged rows and accounts without a parent roll up under empty tag and themselves", () => {
  const [rollup] = foldUsageRollups([{ ...base, tag: null, billingAccountId: null, accountId: "acct_9" }]);
  assert.equal(rollup?.tag, "");
  assert.equal(rollup?.billingAccountId, "acct_9");
});

test("rollups come out sorted by key so concurrent upserts lock rows in one order", () => {
  const rollups = foldUsageRollups([
    { ...base, billingAccountId: "acct_b", accountId: "acct_b" },
    { ...base, billingAccountId: "acct_a", accountId: "acct_a" },
  ]);
  assert.deepEqual(
    rollups.map((rollup) => rollup.billingAccountId),
    ["acct_a", "acct_a", "acct_b", "acct_b"],
  );
});
