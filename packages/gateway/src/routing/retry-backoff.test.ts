import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { computeBackoffMs, readRetryAfterMs } from "./retry-backoff.ts";

describe("computeBackoffMs", () => {
  it("doubles from 250 ms and stays within ±20 %", () => {
    assert.equal(
      computeBackoffMs(1, () => 0.5),
      250,
    );
    assert.equal(
      computeBackoffMs(2, () => 0.5),
      500,
    );
    assert.equal(
      computeBackoffMs(3, () => 0.5),
      1000,
    );
    assert.equal(
      computeBackoffMs(1, () => 0),
      200,
    );
    assert.equal(
      computeBackoffMs(1, () => 0.999_999),
      300,
    );
  });

  it("is capped", () => {
    assert.equal(
      computeBackoffMs(20, () => 0.5),
      4000,
    );
  });
});

describe("readRetryAfterMs", () => {
  it("reads seconds, milliseconds and HTTP dates", () => {
    assert.equal(readRetryAfterMs({ "retry-after": "2" }, 0), 2000);
    assert.equal(readRetryAfterMs({ "retry-after": "0.5" }, 0), 500);
    assert.equal(readRetryAfterMs({ "retry-after-ms": "120", "retry-after": "9" }, 0), 120);
    const now = Date.parse("2026-01-01T00:00:00Z");
    assert.equal(readRetryAfterMs({ "retry-after": "Thu, 01 Jan 2026 00:00:03 GMT" }, now), 3000);
  });

  it("ignores what it cannot read", () => {
    assert.equal(readRetryAfterMs({}, 0), undefined);
    assert.equal(readRetryAfterMs({ "retry-after": "soon" }, 0), undefined);
  });
});
