import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createCircuitBreakers } from "./circuit-breaker.ts";

const settings = { failureThreshold: 3, openMs: 1_000, maxOpenMs: 4_000, maxRoutes: 100 };

describe("circuit breaker", () => {
  it("opens after consecutive failures, probes once after the cool-down, closes on success", () => {
    let time = 0;
    const breakers = createCircuitBreakers(() => time, settings);
    for (let index = 0; index < 3; index++) {
      assert.equal(breakers.acquire("m@p"), true);
      breakers.recordFailure("m@p");
    }
    assert.equal(breakers.snapshot("m@p").state, "open");
    assert.equal(breakers.isAvailable("m@p"), false);
    assert.equal(breakers.acquire("m@p"), false);

    time = 1_000;
    assert.equal(breakers.isAvailable("m@p"), true);
    assert.equal(breakers.acquire("m@p"), true);
    assert.equal(breakers.snapshot("m@p").state, "half_open");
    // Only one probe at a time.
    assert.equal(breakers.isAvailable("m@p"), false);
    assert.equal(breakers.acquire("m@p"), false);
    breakers.recordSuccess("m@p");
    assert.deepEqual(breakers.snapshot("m@p"), { state: "closed", consecutiveFailures: 0, retryAt: null });
  });

  it("re-opens for twice as long when the probe fails, up to the maximum", () => {
    let time = 0;
    const breakers = createCircuitBreakers(() => time, settings);
    for (let index = 0; index < 3; index++) breakers.recordFailure("r");
    const openFor: number[] = [];
    for (let round = 0; round < 4; round++) {
      const retryAt = breakers.snapshot("r").retryAt ?? 0;
      openFor.push(retryAt - time);
      time = retryAt;
      assert.equal(breakers.acquire("r"), true);
      breakers.recordFailure("r");
    }
    assert.deepEqual(openFor, [1_000, 2_000, 4_000, 4_000]);
  });

  it("skips a rate-limited route until its retry-after, without opening", () => {
    let time = 0;
    const breakers = createCircuitBreakers(() => time, settings);
    breakers.recordFailure("r", 500);
    assert.equal(breakers.snapshot("r").state, "closed");
    assert.equal(breakers.isAvailable("r"), false);
    time = 500;
    assert.equal(breakers.isAvailable("r"), true);
  });

  it("frees a probe whose request was abandoned", () => {
    let time = 0;
    const breakers = createCircuitBreakers(() => time, settings);
    for (let index = 0; index < 3; index++) breakers.recordFailure("r");
    time = 1_000;
    assert.equal(breakers.acquire("r"), true);
    breakers.release("r");
    assert.equal(breakers.acquire("r"), true);
  });

  it("keeps memory bounded", () => {
    const breakers = createCircuitBreakers(() => 0, { ...settings, maxRoutes: 10 });
    for (let index = 0; index < 1_000; index++) breakers.recordFailure(`r${index}`);
    // Open breakers are kept; the rest are evicted (here every one is still closed after 1 failure).
    assert.equal(breakers.snapshot("r0").consecutiveFailures, 0);
    assert.equal(breakers.snapshot("r999").consecutiveFailures, 1);
  });
});
