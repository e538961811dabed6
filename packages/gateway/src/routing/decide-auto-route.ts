import { GatewayError } from "@aigateway/protocol";
import type { Catalog, CatalogModel, RoutePrice } from "../catalog/catalog.ts";
import type { Modality } from "../catalog/catalog-schema.ts";
import type { ComplexityReading } from "./assess-complexity.ts";
import {
  autoRouterPools,
  defaultBaselines,
  expectedOutputTokens,
  qualityFloors,
  type PoolEntry,
} from "./auto-router-pool.ts";

export const routingBiases = ["cost", "speed", "quality", "auto"] as const;
export type RoutingBias = (typeof routingBiases)[number];

export interface AutoRouteDecision {
  /** The pick first, then up to two next-best models as fallbacks. */
  models: CatalogModel[];
  selected: CatalogModel;
  quality: number;
  complexity: ComplexityReading["complexity"];
  bias: RoutingBias;
  reason: string;
  baseline: CatalogModel;
  baselinePrice: RoutePrice;
}

export interface AutoRouteInput {
  catalog: Catalog;
  modality: Modality;
  reading: ComplexityReading;
  promptTokens: number;
  /** The request's max_tokens, when it set one. */
  maxOutputTokens: number | undefined;
  bias: RoutingBias;
  baselineId: string | undefined;
  requiredCapabilities: readonly string[];
  /** The price the model would be served at now (its cheapest usable route), or undefined if unusable. */
  priceOf(model: CatalogModel): RoutePrice | undefined;
}

interface Option {
  model: CatalogModel;
  entry: PoolEntry;
  /** Estimated cost of this request in picodollars (micro-dollars per 1M tokens × tokens). */
  cost: number;
}

function findBaseline(input: AutoRouteInput): CatalogModel {
  if (input.baselineId !== undefined) {
    const model = input.catalog.find(input.baselineId);
    if (!model) {
      throw new GatewayError("model_not_found", {
        param: "baseline_model",
        message: `The baseline model '${input.baselineId}' does not exist. GET /v1/models lists every model.`,
      });
    }
    if (model.modality !== input.modality) {
      throw new GatewayError("invalid_request", {
        param: "baseline_model",
        message: `The baseline model '${model.id}' is a ${model.modality} model, not ${input.modality}.`,
      });
    }
    return model;
  }
  for (const id of defaultBaselines[input.modality] ?? []) {
    const model = input.catalog.find(id);
    if (model) return model;
  }
  throw new GatewayError("invalid_request", {
    param: "model",
    message: `The Auto Router has no baseline for ${input.modality}; pass baseline_model.`,
  });
}

/** Tie-breaks end on the slug so the same request and catalog always give the same pick. */
function compareBy(bias: RoutingBias, baselineCost: number): (left: Option, right: Option) => number {
  const value = (option: Option): number =>
    option.entry.quality - 0.3 * (baselineCost > 0 ? option.cost / baselineCost : 0);
  return (left, right) => {
    let order: number;
    if (bias === "cost") order = left.cost - right.cost || right.entry.quality - left.entry.quality;
    else if (bias === "quality") order = right.entry.quality - left.entry.quality || left.cost - right.cost;
    else if (bias === "speed") order = right.entry.speed - left.entry.speed || left.cost - right.cost;
    else order = value(right) - value(left) || left.cost - right.cost;
    return order || left.model.id.localeCompare(right.model.id);
  };
}

const biasReasons: Record<RoutingBias, string> = {
  cost: "cheapest model",
  quality: "strongest model",
  speed: "fastest model",
  auto: "best quality for the cost",
};

/**
 * The Auto Router: the curated pool of the modality, narrowed to models that are usable (a configured
 * provider, allowed for the key, the capabilities the request needs) and cost no more than the
 * baseline for this request (a hard ceiling: it only routes down), then the quality floor of the
 * request's complexity, then ranked by the bias. Pure and deterministic.
 */
export function decideAutoRoute(input: AutoRouteInput): AutoRouteDecision {
  const baseline = findBaseline(input);
  const baselinePrice = input.priceOf(baseline) ?? baseline.routes[0]?.price;
  if (!baselinePrice) throw new GatewayError("internal", { message: "The baseline model has no price." });
  const outputTokens = input.maxOutputTokens ?? expectedOutputTokens[input.reading.complexity];
  const estimate = (price: RoutePrice): number =>
    input.promptTokens * price.input + (input.modality === "text" ? outputTokens * price.output : 0);
  const baselineCost = estimate(baselinePrice);

  const options: Option[] = [];
  for (const entry of autoRouterPools[input.modality] ?? []) {
    const model = input.catalog.find(entry.id);
    if (!model || model.modality !== input.modality) continue;
    if (input.requiredCapabilities.some((capability) => !model.capabilities.has(capability))) continue;
    const price = input.priceOf(model);
    if (!price) continue;
    const cost = estimate(price);
    if (cost > baselineCost) continue;
    options.push({ model, entry, cost });
  }
  const floor = qualityFloors[input.reading.complexity];
  const aboveFloor = options.filter((option) => option.entry.quality >= floor);
  const ranked = (aboveFloor.length > 0 ? aboveFloor : options).sort(compareBy(input.bias, baselineCost));
  const signals = input.reading.signals.length > 0 ? ` (${input.reading.signals.join(", ")})` : "";
  const selected = ranked[0];
  if (!selected) {
    // Nothing in the pool is usable under the ceiling: the baseline itself, if it can be served.
    if (!input.priceOf(baseline)) {
      throw new GatewayError("service_unavailable", {
        param: "model",
        message:
          `The Auto Router found no usable ${input.modality} model: configure a provider for one of ` +
          `${(autoRouterPools[input.modality] ?? []).map((entry) => entry.id).join(", ")}.`,
      });
    }
    return {
      models: [baseline],
      selected: baseline,
      quality: 1,
      complexity: input.reading.complexity,
      bias: input.bias,
      reason: `no pool model fits under the baseline; using the baseline${signals}`,
      baseline,
      baselinePrice,
    };
  }
  const floorNote =
    aboveFloor.length > 0
      ? `above the ${floor.toFixed(2)} quality floor`
      : `(none reached the ${floor.toFixed(2)} quality floor)`;
  return {
    models: ranked.slice(0, 3).map((option) => option.model),
    selected: selected.model,
    quality: selected.entry.quality,
    complexity: input.reading.complexity,
    bias: input.bias,
    reason: `${biasReasons[input.bias]} ${floorNote} within the ${baseline.id} cost ceiling for a ${input.reading.complexity} request${signals}`,
    baseline,
    baselinePrice,
  };
}
