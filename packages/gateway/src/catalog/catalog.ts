import { readFileSync } from "node:fs";
import { z } from "zod";
import { parseUsdToMicrodollars } from "./parse-price.ts";
import { suggestSimilarSlugs } from "./suggest-similar-slugs.ts";
import {
  catalogFileSchema,
  type CatalogFile,
  type CatalogModelEntry,
  type CatalogRouteEntry,
  type Modality,
  type PriceEntry,
  type Pricing,
} from "./catalog-schema.ts";

/**
 * Prices of one route in integer micro-dollars per unit, so the cost maths stays integral. The token
 * fields (per 1M tokens) are what usage/compute-cost.ts reads; a media unit is absent when the route
 * is not billed in it.
 */
export interface RoutePrice {
  input: number;
  output: number;
  cachedInput: number;
  cacheWrite: number;
  perImage?: number;
  perSecond?: number;
  perMinute?: number;
  perThousandCharacters?: number;
  perThousandSearches?: number;
}

/** One price of a route and the instant (epoch ms) from which it applies. */
export interface DatedRoutePrice {
  /** -Infinity for the entry that applies from the start. */
  effectiveFrom: number;
  price: RoutePrice;
  /** The catalog entry as written (decimal strings), for display. */
  pricing: Pricing;
  source: string;
  asOf: string;
  note: string | undefined;
}

export interface CatalogRoute {
  provider: string;
  upstreamId: string;
  /** Every price of the route, oldest first. */
  prices: readonly DatedRoutePrice[];
  /** The price in effect now (read at request time, so a dated price change applies on its date). */
  readonly price: RoutePrice;
}

export interface CatalogModel {
  entry: CatalogModelEntry;
  id: string;
  lab: string;
  modality: Modality;
  routes: CatalogRoute[];
  capabilities: ReadonlySet<string>;
  unsupportedParameters: ReadonlySet<string>;
  usesMaxCompletionTokens: boolean;
}

export interface Catalog {
  version: string;
  models: readonly CatalogModel[];
  find(id: string): CatalogModel | undefined;
  suggest(unknownId: string): string[];
}

const defaultCatalogUrl = new URL("./models.json", import.meta.url);

export function readCatalogFile(path: string | URL = defaultCatalogUrl): CatalogFile {
  const raw: unknown = JSON.parse(readFileSync(path, "utf8"));
  const parsed = catalogFileSchema.safeParse(raw);
  if (!parsed.success)
    throw new Error(`Invalid model catalog ${String(path)}:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

const mediaUnits = [
  ["per_image", "perImage"],
  ["per_second", "perSecond"],
  ["per_minute", "perMinute"],
  ["per_1k_characters", "perThousandCharacters"],
  ["per_1k_searches", "perThousandSearches"],
] as const;

export function toRoutePrice(pricing: Pricing): RoutePrice {
  const input = pricing.input === undefined ? 0 : parseUsdToMicrodollars(pricing.input);
  const price: RoutePrice = {
    input,
    output: pricing.output === undefined ? 0 : parseUsdToMicrodollars(pricing.output),
    // A route without a cached price bills cached tokens as ordinary input.
    cachedInput: pricing.cached_input === undefined ? input : parseUsdToMicrodollars(pricing.cached_input),
    cacheWrite: pricing.cache_write === undefined ? input : parseUsdToMicrodollars(pricing.cache_write),
  };
  for (const [unit, field] of mediaUnits) {
    const value = pricing[unit];
    if (value !== undefined) price[field] = parseUsdToMicrodollars(value);
  }
  return price;
}

/** The route's price entries in one list, whichever form the catalog used. */
export function listPriceEntries(route: CatalogRouteEntry): PriceEntry[] {
  if (route.prices) return route.prices;
  if (!route.pricing || route.price_source === undefined || route.price_as_of === undefined) return [];
  return [
    {
      pricing: route.pricing,
      price_source: route.price_source,
      price_as_of: route.price_as_of,
      ...(route.price_note === undefined ? {} : { price_note: route.price_note }),
    },
  ];
}

function toDatedRoutePrice(entry: PriceEntry): DatedRoutePrice {
  return {
    effectiveFrom: entry.effective_from === undefined ? -Infinity : Date.parse(entry.effective_from),
    price: toRoutePrice(entry.pricing),
    pricing: entry.pricing,
    source: entry.price_source,
    asOf: entry.price_as_of,
    note: entry.price_note,
  };
}

/**
 * The price in effect at `time`: the latest entry that started at or before it. A time before every
 * dated entry gets the earliest one, so a listed model always has a price.
 */
export function priceAt(route: Pick<CatalogRoute, "prices">, time: Date | number): DatedRoutePrice {
  const instant = typeof time === "number" ? time : time.getTime();
  let current = route.prices[0];
  for (const entry of route.prices) if (entry.effectiveFrom <= instant) current = entry;
  if (!current) throw new Error("A catalog route has no price");
  return current;
}

function toCatalogRoute(route: CatalogRouteEntry): CatalogRoute {
  const prices = listPriceEntries(route)
    .map(toDatedRoutePrice)
    .sort((left, right) => left.effectiveFrom - right.effectiveFrom);
  const only = prices.length === 1 ? prices[0] : undefined;
  // Most routes have one price: a plain field then, as this is read several times per request.
  if (only) return { provider: route.provider, upstreamId: route.upstream_id, prices, price: only.price };
  return {
    provider: route.provider,
    upstreamId: route.upstream_id,
    prices,
    get price() {
      return priceAt({ prices }, Date.now()).price;
    },
  };
}

function toCatalogModel(entry: CatalogModelEntry): CatalogModel {
  return {
    entry,
    id: entry.id,
    lab: entry.lab,
    modality: entry.modality,
    routes: entry.routes.map(toCatalogRoute),
    capabilities: new Set(entry.capabilities),
    unsupportedParameters: new Set(entry.unsupported_parameters ?? []),
    usesMaxCompletionTokens: entry.quirks?.includes("max_completion_tokens") ?? false,
  };
}

/** Builds the catalog from the shipped file plus operator additions (which replace same-id entries). */
export function createCatalog(file: CatalogFile, extraModels: readonly CatalogModelEntry[] = []): Catalog {
  const byId = new Map<string, CatalogModel>();
  for (const entry of [...file.models, ...extraModels]) byId.set(entry.id, toCatalogModel(entry));
  const models = [...byId.values()];
  const slugs = models.map((model) => model.id);
  return {
    version: file.version,
    models,
    find: (id) => byId.get(id.toLowerCase()),
    suggest: (unknownId) => suggestSimilarSlugs(unknownId, slugs),
  };
}
