import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { applyBatchDiscount, toDiscountPpm } from "./apply-batch-discount.ts";

describe("applyBatchDiscount", () => {
  it("takes half off with the default 0.5", () => {
    assert.equal(applyBatchDiscount(1_000, toDiscountPpm(0.5)), 500);
    assert.equal(applyBatchDiscount(1_001, toDiscountPpm(0.5)), 501);
  });
  it("keeps the cost without a discount and makes it free with 1", () => {
    assert.equal(applyBatchDiscount(12_345, 0), 12_345);
    assert.equal(applyBatchDiscount(12_345, toDiscountPpm(1)), 0);
  });
  it("stays exact past 2^53 / 1e6", () => {
    assert.equal(applyBatchDiscount(9_000_000_000_000, toDiscountPpm(0.25)), 6_750_000_000_000);
  });
});
