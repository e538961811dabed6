import { GatewayError } from "@aigateway/protocol";
import type { Catalog, CatalogModel, CatalogRoute, RoutePrice } from "../catalog/catalog.ts";
import type { Modality } from "../catalog/catalog-schema.ts";
import type { ProviderAdapter } from "../providers/provider-adapter.ts";
import {
  createCircuitBreakers,
  defaultBreakerSettings,
  type BreakerSettings,
  type CircuitBreakers,
} from "./circuit-breaker.ts";
import { orderRoutes, type RoutePolicy } from "./order-routes.ts";
import type { ProviderRegistry } from "./provider-registry.ts";
import { builtInProviderId, resolveRoute } from "./resolve-route.ts";
import { createRouteHealth, type RouteHealth } from "./route-health.ts";

/** The client's `routing` object (§3.9), validated. */
export interface RoutingOptions {
  policy?: RoutePolicy | undefined;
  /** Allow-list, in order of preference for `pinned`. */
  providers?: readonly string[] | undefined;
  /** USD per 1M input tokens. */
  maxCostPer1mInput?: number | undefined;
  allowFallback?: boolean | undefined;
}

export interface RouteCandidate {
  model: CatalogModel;
  route: CatalogRoute;
  /** Undefined for built-in models, answered in-process. */
  adapter: ProviderAdapter | undefined;
  /** `<model>@<provider>`: the unit of health stats and circuit breakers. */
  key: string;
}

export interface PlanRequest {
  /** Explicit models in the order to try them (a string model is a list of one). */
  models: readonly string[];
  modality: Modality;
  stream: boolean;
  routing: RoutingOptions | undefined;
  /** Sibling models of the same family join as fallbacks (off with `fallbacks: false`). */
  siblingFallback: boolean;
  /** Capabilities a fallback model needs to serve this request (tools, vision, json). */
  requiredCapabilities: readonly string[];
  /** The key's model allow-list; fallbacks it forbids are left out. */
  isAllowed(modelId: string): boolean;
}

export interface RoutePlan {
  policy: RoutePolicy;
  candidates: RouteCandidate[];
  maxAttempts: number;
}

export interface RoutingClock {
  now: () => number;
  sleep: (milliseconds: number, signal: AbortSignal) => Promise<void>;
  /** [0, 1), for backoff jitter. */
  random: () => number;
}

export interface RouteHealthRow {
  model: string;
  provider: string;
  upstream_id: string;
  breaker: { state: string; consecutive_failures: number; retry_at: string | null };
  requests: number;
  successes: number;
  failures: number;
  success_rate: number;
  p50_latency_ms: number | null;
  throughput_tokens_per_second: number | null;
  last_attempt_at: string | null;
}

export interface Router {
  readonly health: RouteHealth;
  readonly breakers: CircuitBreakers;
  readonly clock: RoutingClock;
  plan(request: PlanRequest): RoutePlan;
  /** What the model would cost on its cheapest usable route now; undefined when no route is usable. */
  usablePrice(model: CatalogModel): RoutePrice | undefined;
  /** Live stats and breaker state of every usable route (optionally of one provider or model). */
  describeHealth(filter: { provider?: string | undefined; model?: string | undefined }): RouteHealthRow[];
}

export interface RouterOptions {
  catalog: Catalog;
  providers: ProviderRegistry;
  clock: RoutingClock;
  breaker?: Partial<BreakerSettings>;
}

/** At most this many attempts per client request, retries and switches together (§3.9). */
export const maxHops = 3;
const maxSiblings = 2;

export const toRouteKey = (modelId: string, provider: string): string => `${modelId}@${provider}`;

function blendedPrice(price: RoutePrice): number {
  return price.input * 3 + price.output;
}

function sleepFor(milliseconds: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, milliseconds);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

export const systemRoutingClock: RoutingClock = { now: Date.now, sleep: sleepFor, random: Math.random };

export function createRouter(options: RouterOptions): Router {
  const { catalog, providers, clock } = options;
  const health = createRouteHealth(clock.now);
  const breakers = createCircuitBreakers(clock.now, { ...defaultBreakerSettings, ...options.breaker });

  // The catalog and the provider registry are fixed for the router's life: each model's candidates are
  // built once, not on every plan (the Auto Router prices every catalog model per request).
  const usableByModel = new Map<CatalogModel, readonly RouteCandidate[]>();

  /** Routes with a configured provider (or built in), in catalog order. Shared: never mutate. */
  function usableRoutes(model: CatalogModel): readonly RouteCandidate[] {
    const known = usableByModel.get(model);
    if (known) return known;
    const usable: RouteCandidate[] = [];
    for (const route of model.routes) {
      const key = toRouteKey(model.id, route.provider);
      if (route.provider === builtInProviderId) {
        usable.push({ model, route, adapter: undefined, key });
        continue;
      }
      const adapter = providers.find(route.provider);
      if (adapter) usable.push({ model, route, adapter, key });
    }
    usableByModel.set(model, usable);
    return usable;
  }

  function filterByOptions(
    routes: readonly RouteCandidate[],
    routing: RoutingOptions | undefined,
  ): readonly RouteCandidate[] {
    let kept = routes;
    const allowList = routing?.providers;
    if (allowList) kept = kept.filter((candidate) => allowList.includes(candidate.route.provider));
    const maxCost = routing?.maxCostPer1mInput;
    if (maxCost !== undefined) {
      // Prices are micro-dollars per 1M tokens; compare in the same unit without float sums.
      const ceiling = Math.round(maxCost * 1_000_000);
      kept = kept.filter((candidate) => candidate.route.price.input <= ceiling);
    }
    return kept;
  }

  function order(
    routes: readonly RouteCandidate[],
    policy: RoutePolicy,
    routing: RoutingOptions | undefined,
  ): readonly RouteCandidate[] {
    // One usable route (the common case) has nothing to rank: skip the health snapshots.
    if (routes.length <= 1) return routes;
    const allowList = routing?.providers;
    const ranked = orderRoutes(
      routes.map((candidate, index) => ({
        candidate,
        provider: candidate.route.provider,
        price: candidate.route.price,
        position: allowList ? allowList.indexOf(candidate.route.provider) : index,
        health: health.snapshot(candidate.key),
      })),
      policy,
    );
    return ranked.map((entry) => entry.candidate);
  }

  function findModel(id: string, modality: Modality): CatalogModel {
    // resolveRoute gives the catalogue's answers: 404 with suggestions, wrong modality, 503 naming the key.
    const model = catalog.find(id) ?? resolveRoute(catalog, providers, id, modality).model;
    if (model.modality !== modality) return resolveRoute(catalog, providers, id, modality).model;
    return model;
  }

  // The catalog never changes while the router lives: index families once instead of scanning every
  // model on every request.
  const modelsByFamily = new Map<string, CatalogModel[]>();
  for (const model of catalog.models) {
    const family = model.entry.family;
    if (family !== undefined) modelsByFamily.set(family, [...(modelsByFamily.get(family) ?? []), model]);
  }

  function findSiblings(primary: CatalogModel, request: PlanRequest): CatalogModel[] {
    const family = primary.entry.family;
    if (family === undefined) return [];
    const members = modelsByFamily.get(family) ?? [];
    if (members.length <= 1) return [];
    const target = blendedPrice(
      primary.routes[0]?.price ?? { input: 0, output: 0, cachedInput: 0, cacheWrite: 0 },
    );
    return members
      .filter(
        (model) =>
          model.id !== primary.id &&
          model.entry.family === family &&
          model.modality === primary.modality &&
          request.requiredCapabilities.every((capability) => model.capabilities.has(capability)) &&
          request.isAllowed(model.id),
      )
      .map((model) => ({
        model,
        distance: Math.abs(blendedPrice(model.routes[0]?.price ?? primary.routes[0]!.price) - target),
      }))
      .sort(
        (left, right) =>
          left.distance - right.distance ||
          right.model.entry.released.localeCompare(left.model.entry.released) ||
          left.model.id.localeCompare(right.model.id),
      )
      .map((entry) => entry.model);
  }

  function plan(request: PlanRequest): RoutePlan {
    const policy: RoutePolicy =
      request.routing?.policy ?? (request.stream ? "lowest_latency" : "lowest_cost");
    const allowFallback = request.routing?.allowFallback !== false;
    const models = request.models.map((id) => findModel(id, request.modality));
    const primary = models[0];
    if (!primary) throw new GatewayError("invalid_request", { param: "model", message: "No model given." });
    let filteredOut = false;
    let openRetryAt = Number.POSITIVE_INFINITY;
    // Routes cooling down after a 429 go last rather than away: still better than no answer.
    const cooling: RouteCandidate[] = [];
    const candidates: RouteCandidate[] = [];
    const addModel = (model: CatalogModel): void => {
      const usable = usableRoutes(model);
      const allowed = filterByOptions(usable, request.routing);
      if (allowed.length < usable.length) filteredOut = true;
      for (const candidate of order(allowed, policy, request.routing)) {
        if (breakers.isAvailable(candidate.key)) candidates.push(candidate);
        else if (breakers.snapshot(candidate.key).state === "closed") cooling.push(candidate);
        else openRetryAt = Math.min(openRetryAt, breakers.snapshot(candidate.key).retryAt ?? clock.now());
      }
    };
    for (const model of models) {
      if (model !== primary && !request.isAllowed(model.id)) continue;
      addModel(model);
    }
    if (models.length === 1 && request.siblingFallback && allowFallback) {
      let added = 0;
      for (const sibling of findSiblings(primary, request)) {
        if (added >= maxSiblings) break;
        const before = candidates.length;
        addModel(sibling);
        if (candidates.length > before) added++;
      }
    }
    candidates.push(...cooling);
    if (candidates.length === 0) {
      if (models.every((model) => usableRoutes(model).length === 0)) {
        // The operator has not enabled any provider of the model: the 503 that names the variable.
        resolveRoute(catalog, providers, primary.id, request.modality);
      }
      if (Number.isFinite(openRetryAt)) {
        const seconds = Math.max(1, Math.ceil((openRetryAt - clock.now()) / 1000));
        throw new GatewayError("service_unavailable", {
          param: "model",
          headers: { "retry-after": String(seconds) },
          message: `Every provider of '${primary.id}' is failing right now (circuit open); retry in ${seconds} s.`,
        });
      }
      if (filteredOut) {
        throw new GatewayError("invalid_request", {
          param: request.routing?.providers ? "routing.providers" : "routing.max_cost_per_1m_input",
          message: `No configured route of '${primary.id}' matches the routing constraints (providers: ${usableRoutes(
            primary,
          )
            .map(
              (candidate) =>
                `${candidate.route.provider} at $${candidate.route.price.input / 1_000_000}/1M input`,
            )
            .join(", ")}).`,
        });
      }
      resolveRoute(catalog, providers, primary.id, request.modality);
    }
    return {
      policy,
      candidates: allowFallback ? candidates : candidates.slice(0, 1),
      maxAttempts: allowFallback ? maxHops : 1,
    };
  }

  function usablePrice(model: CatalogModel): RoutePrice | undefined {
    let best: RoutePrice | undefined;
    for (const candidate of usableRoutes(model)) {
      if (!breakers.isAvailable(candidate.key)) continue;
      const price = candidate.route.price;
      if (!best || blendedPrice(price) < blendedPrice(best)) best = price;
    }
    return best;
  }

  function describeHealth(filter: {
    provider?: string | undefined;
    model?: string | undefined;
  }): RouteHealthRow[] {
    const rows: RouteHealthRow[] = [];
    for (const model of catalog.models) {
      if (filter.model !== undefined && model.id !== filter.model) continue;
      for (const candidate of usableRoutes(model)) {
        if (filter.provider !== undefined && candidate.route.provider !== filter.provider) continue;
        const stats = health.snapshot(candidate.key);
        const breaker = breakers.snapshot(candidate.key);
        rows.push({
          model: model.id,
          provider: candidate.route.provider,
          upstream_id: candidate.route.upstreamId,
          breaker: {
            state: breaker.state,
            consecutive_failures: breaker.consecutiveFailures,
            retry_at: breaker.retryAt === null ? null : new Date(breaker.retryAt).toISOString(),
          },
          requests: stats.requests,
          successes: stats.successes,
          failures: stats.failures,
          success_rate: Math.round(stats.successRate * 1000) / 1000,
          p50_latency_ms: stats.p50LatencyMs === null ? null : Math.round(stats.p50LatencyMs),
          throughput_tokens_per_second:
            stats.throughputTokensPerSecond === null
              ? null
              : Math.round(stats.throughputTokensPerSecond * 10) / 10,
          last_attempt_at: stats.lastAttemptAt === null ? null : new Date(stats.lastAttemptAt).toISOString(),
        });
      }
    }
    return rows;
  }

  return { health, breakers, clock, plan, usablePrice, describeHealth };
}
