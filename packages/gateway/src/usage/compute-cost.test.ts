import { test } from "node:test";
import assert from "node:assert/strict";
import { computeCostNanodollars } from "./compute-cost.ts";
import { formatCents, toUsd } from "./format-money.ts";

// gpt-4o-mini list price: $0.15 in, $0.60 out, $0.075 cached per 1M tokens.
const price = { input: 150_000, output: 600_000, cachedInput: 75_000, cacheWrite: 150_000 };

test("bills input, cached input and output at their own rates", () => {
  const cost = computeCostNanodollars(
    { promptTokens: 1000, completionTokens: 500, cachedTokens: 400, cacheWriteTokens: 0, reasoningTokens: 0 },
    price,
  );
  // 600 × 0.15 + 400 × 0.075 + 500 × 0.60 (USD per 1M) = 90 + 30 + 300 micro-dollars = 420,000 nano.
  assert.equal(cost, 420_000);
  assert.equal(formatCents(cost), "0.042");
  assert.equal(toUsd(cost), 0.00042);
});

test("rounds once to the nearest nanodollar", () => {
  const cost = computeCostNanodollars(
    { promptTokens: 3, completionTokens: 0, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 },
    { input: 1, output: 1, cachedInput: 1, cacheWrite: 1 },
  );
  assert.equal(cost, 0);
});

test("formats cents with at most six decimals", () => {
  assert.equal(formatCents(4_389_000), "0.4389");
  assert.equal(formatCents(123_456_789_012), "12345.678901");
  assert.equal(formatCents(0), "0");
});
