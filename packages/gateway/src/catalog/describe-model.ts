import { priceAt, type CatalogModel, type CatalogRoute, type DatedRoutePrice } from "./catalog.ts";
import type { PricingUnit } from "./catalog-schema.ts";

const pricingUnits: readonly PricingUnit[] = [
  "input",
  "output",
  "cached_input",
  "cache_write",
  "per_image",
  "per_second",
  "per_minute",
  "per_1k_characters",
  "per_1k_searches",
];

/** A price as the API shows it: every unit (null when the route is not billed in it), source and date. */
export function describePrice(dated: DatedRoutePrice) {
  const units = Object.fromEntries(pricingUnits.map((unit) => [unit, dated.pricing[unit] ?? null]));
  return {
    currency: "USD",
    ...units,
    token_unit: "per_1m_tokens",
    source: dated.source,
    as_of: dated.asOf,
    effective_from: Number.isFinite(dated.effectiveFrom) ? new Date(dated.effectiveFrom).toISOString() : null,
    note: dated.note ?? null,
  };
}

function describeRoute(route: CatalogRoute, now: number, available: boolean) {
  const current = priceAt(route, now);
  return {
    provider: route.provider,
    upstream_id: route.upstreamId,
    pricing: describePrice(current),
    ...(route.prices.length > 1 ? { price_history: route.prices.map(describePrice) } : {}),
    available,
  };
}

/** The OpenAI-shaped model object of GET /v1/models, with our catalog fields. */
export function describeModel(
  model: CatalogModel,
  isRouteAvailable: (route: CatalogRoute) => boolean,
  now: number = Date.now(),
) {
  const entry = model.entry;
  const routes = model.routes.map((route) => describeRoute(route, now, isRouteAvailable(route)));
  const primary = routes.find((route) => route.available) ?? routes[0];
  return {
    id: model.id,
    object: "model" as const,
    created: Math.floor(Date.parse(entry.released) / 1000),
    owned_by: entry.lab,
    name: entry.name,
    description: entry.description ?? null,
    lab: entry.lab,
    family: entry.family ?? null,
    modality: entry.modality,
    released: entry.released,
    context_window: entry.context_window,
    max_output_tokens: entry.max_output_tokens,
    ...(entry.embedding_dimensions === undefined ? {} : { embedding_dimensions: entry.embedding_dimensions }),
    capabilities: entry.capabilities,
    pricing: primary?.pricing ?? null,
    providers: routes,
    available: routes.some((route) => route.available),
  };
}
