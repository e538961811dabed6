import type { RoutePrice } from "../catalog/catalog.ts";
import type { RouteHealthSnapshot } from "./route-health.ts";

export const routePolicies = ["lowest_latency", "lowest_cost", "highest_throughput", "pinned"] as const;
export type RoutePolicy = (typeof routePolicies)[number];

export interface RankableRoute {
  provider: string;
  price: RoutePrice;
  /** Position in the catalog (or in the caller's `providers` list): the cold-start order. */
  position: number;
  health: RouteHealthSnapshot;
}

/** Attempts before a route's measurements count (fewer keep it at its prior). */
const minimumSamples = 3;
/** A measured route succeeding less often than this goes after every healthier one. */
const unhealthySuccessRate = 0.5;

function isUnhealthy(route: RankableRoute): boolean {
  return route.health.requests >= minimumSamples && route.health.successRate < unhealthySuccessRate;
}

/** Input is usually the larger part of a bill; 3:1 is a typical chat ratio of input to output. */
function blendedPrice(price: RoutePrice): number {
  return price.input * 3 + price.output;
}

/**
 * Orders a model's routes for a policy. Unmeasured routes take an optimistic prior (the best measured
 * value), so each gets tried and measured instead of being starved by the first route that answered;
 * ties fall back to the cold-start order (catalog, or the caller's list). Routes failing most of their
 * recent attempts go last whatever the policy, except `pinned`, which keeps the given order.
 */
export function orderRoutes<Route extends RankableRoute>(
  routes: readonly Route[],
  policy: RoutePolicy,
): Route[] {
  if (policy === "pinned") return [...routes].sort((left, right) => left.position - right.position);
  let key: (route: Route) => number;
  if (policy === "lowest_cost") {
    key = (route) => blendedPrice(route.price);
  } else if (policy === "lowest_latency") {
    const measured = routes
      .filter((route) => route.health.p50LatencyMs !== null && route.health.requests >= minimumSamples)
      .map((route) => route.health.p50LatencyMs as number);
    const prior = measured.length > 0 ? Math.min(...measured) : 0;
    key = (route) =>
      route.health.p50LatencyMs !== null && route.health.requests >= minimumSamples
        ? route.health.p50LatencyMs
        : prior;
  } else {
    const measured = routes
      .map((route) => route.health.throughputTokensPerSecond)
      .filter((value): value is number => value !== null);
    const prior = measured.length > 0 ? Math.max(...measured) : 0;
    key = (route) => -(route.health.throughputTokensPerSecond ?? prior);
  }
  return [...routes].sort(
    (left, right) =>
      Number(isUnhealthy(left)) - Number(isUnhealthy(right)) ||
      key(left) - key(right) ||
      left.position - right.position,
  );
}
