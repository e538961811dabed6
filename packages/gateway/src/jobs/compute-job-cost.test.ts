import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { computeJobCostNanodollars } from "./compute-job-cost.ts";

const base = { input: 0, output: 0, cachedInput: 0, cacheWrite: 0 };

describe("computeJobCostNanodollars", () => {
  it("bills seconds of output at the per-second price", () => {
    // $0.40 per second = 400,000 micro-dollars; 8 s = $3.20.
    assert.equal(computeJobCostNanodollars({ ...base, perSecond: 400_000 }, 8), 3_200_000_000);
  });
  it("bills audio minutes pro rata", () => {
    // $0.0043 per minute, 90 s = $0.00645.
    assert.equal(computeJobCostNanodollars({ ...base, perMinute: 4_300 }, 90), 6_450_000);
  });
  it("is zero without a media price or for negative seconds", () => {
    assert.equal(computeJobCostNanodollars(base, 10), 0);
    assert.equal(computeJobCostNanodollars({ ...base, perSecond: 1 }, -3), 0);
  });
});
