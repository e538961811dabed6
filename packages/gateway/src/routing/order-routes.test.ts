import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { orderRoutes, type RankableRoute } from "./order-routes.ts";

const unmeasured = {
  requests: 0,
  successes: 0,
  failures: 0,
  successRate: 1,
  p50LatencyMs: null,
  throughputTokensPerSecond: null,
  lastAttemptAt: null,
};

function route(provider: string, position: number, input: number, health = {}): RankableRoute {
  return {
    provider,
    position,
    price: { input, output: input, cachedInput: input, cacheWrite: input },
    health: { ...unmeasured, ...health },
  };
}

const names = (routes: RankableRoute[]): string[] => routes.map((entry) => entry.provider);

describe("orderRoutes", () => {
  it("keeps catalog order at cold start for latency and throughput", () => {
    const routes = [route("a", 0, 3), route("b", 1, 1), route("c", 2, 2)];
    assert.deepEqual(names(orderRoutes(routes, "lowest_latency")), ["a", "b", "c"]);
    assert.deepEqual(names(orderRoutes(routes, "highest_throughput")), ["a", "b", "c"]);
    assert.deepEqual(names(orderRoutes(routes, "lowest_cost")), ["b", "c", "a"]);
  });

  it("ranks by measured latency, trying unmeasured routes optimistically", () => {
    const routes = [
      route("slow", 0, 1, { requests: 10, p50LatencyMs: 900 }),
      route("fast", 1, 1, { requests: 10, p50LatencyMs: 100 }),
      route("new", 2, 1),
    ];
    assert.deepEqual(names(orderRoutes(routes, "lowest_latency")), ["fast", "new", "slow"]);
  });

  it("ranks by throughput", () => {
    const routes = [
      route("a", 0, 1, { requests: 5, throughputTokensPerSecond: 50 }),
      route("b", 1, 1, { requests: 5, throughputTokensPerSecond: 400 }),
    ];
    assert.deepEqual(names(orderRoutes(routes, "highest_throughput")), ["b", "a"]);
  });

  it("puts failing routes last except when pinned", () => {
    const routes = [route("bad", 0, 1, { requests: 10, successRate: 0.2 }), route("good", 1, 5)];
    assert.deepEqual(names(orderRoutes(routes, "lowest_cost")), ["good", "bad"]);
    assert.deepEqual(names(orderRoutes(routes, "pinned")), ["bad", "good"]);
  });
});
