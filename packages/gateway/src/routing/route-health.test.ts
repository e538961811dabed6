import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createRouteHealth } from "./route-health.ts";

describe("route health", () => {
  it("keeps the median of recent latencies in a fixed window", () => {
    const health = createRouteHealth(() => 0, { windowSize: 3 });
    for (const latency of [1000, 1000, 1000, 10, 20, 30]) health.recordSuccess("r", latency, 0, 0);
    assert.equal(health.snapshot("r").p50LatencyMs, 20);
    assert.equal(health.snapshot("r").requests, 6);
  });

  it("weights the success rate towards recent attempts", () => {
    const health = createRouteHealth(() => 0);
    health.recordFailure("r");
    health.recordFailure("r");
    const afterFailures = health.snapshot("r").successRate;
    assert.ok(afterFailures < 0.85 && afterFailures > 0.8);
    for (let index = 0; index < 50; index++) health.recordSuccess("r", 5, 0, 0);
    assert.ok(health.snapshot("r").successRate > 0.99);
  });

  it("measures throughput in tokens per second", () => {
    const health = createRouteHealth(() => 0);
    health.recordSuccess("r", 100, 200, 2000);
    assert.equal(health.snapshot("r").throughputTokensPerSecond, 100);
  });

  it("reports nothing for unknown routes and stays bounded", () => {
    const health = createRouteHealth(() => 0, { maxRoutes: 5 });
    assert.equal(health.snapshot("x").p50LatencyMs, null);
    for (let index = 0; index < 100; index++) health.recordFailure(`r${index}`);
    assert.equal(health.keys().length, 5);
  });
});
