import assert from "node:assert/strict";
import { test } from "node:test";
import { defaultTierLimits, readTierLimits } from "./tier-limits.ts";

test("tiers default to the published RPM ladder, free also 60 per day", () => {
  const limits = readTierLimits(undefined, undefined);
  assert.deepEqual(
    Object.values(limits).map((limit) => limit.requestsPerMinute),
    [10, 120, 600, 3_000, 6_000, 30_000],
  );
  assert.equal(limits.free.requestsPerDay, 60);
  assert.equal(limits.pro.requestsPerDay, null);
});

test("environment overrides replace single tiers and leave the defaults untouched", () => {
  const limits = readTierLimits("pro=1200, enterprise=1000000", "free=0,starter=5000");
  assert.equal(limits.pro.requestsPerMinute, 1_200);
  assert.equal(limits.enterprise.requestsPerMinute, 1_000_000);
  assert.equal(limits.free.requestsPerDay, null);
  assert.equal(limits.starter.requestsPerDay, 5_000);
  assert.equal(defaultTierLimits.pro.requestsPerMinute, 600);
});

test("a malformed override names the entry", () => {
  assert.throws(() => readTierLimits("gold=5", undefined), /AIG_TIER_RPM: "gold=5"/);
  assert.throws(() => readTierLimits(undefined, "free=lots"), /AIG_TIER_RPD: "free=lots"/);
});
