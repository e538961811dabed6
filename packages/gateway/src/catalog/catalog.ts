import { readFileSync } from "node:fs";
import { z } from "zod";
import { parseUsdPerMillion } from "./parse-price.ts";
import { suggestSimilarSlugs } from "./suggest-similar-slugs.ts";
import { catalogFileSchema, type CatalogFile, type CatalogModelEntry } from "./catalog-schema.ts";

/** Prices of one route in integer micro-dollars per 1M tokens (so the cost maths stays integral). */
export interface RoutePrice {
  input: number;
  output: number;
  cachedInput: number;
  cacheWrite: number;
}

export interface CatalogRoute {
  provider: string;
  upstreamId: string;
  price: RoutePrice;
}

export interface CatalogModel {
  entry: CatalogModelEntry;
  id: string;
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

function toCatalogModel(entry: CatalogModelEntry): CatalogModel {
  const cachedOrInput = (value: string | undefined, fallback: number): number =>
    value === undefined ? fallback : parseUsdPerMillion(value);
  return {
    entry,
    id: entry.id,
    routes: entry.routes.map((route) => {
      const input = parseUsdPerMillion(route.pricing.input);
      return {
        provider: route.provider,
        upstreamId: route.upstream_id,
        price: {
          input,
          output: parseUsdPerMillion(route.pricing.output),
          // A route without a cached price bills cached tokens as ordinary input.
          cachedInput: cachedOrInput(route.pricing.cached_input, input),
          cacheWrite: cachedOrInput(route.pricing.cache_write, input),
        },
      };
    }),
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
