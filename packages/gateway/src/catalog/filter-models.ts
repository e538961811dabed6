import { GatewayError } from "@aigateway/protocol";
import type { Catalog, CatalogModel } from "./catalog.ts";
import { capabilities, modalities, type Capability, type Modality } from "./catalog-schema.ts";

export interface ModelFilter {
  modality?: Modality;
  /** A serving provider or a lab: `?provider=anthropic` lists Claude wherever it is served. */
  provider?: string;
  lab?: string;
  capability?: Capability;
}

// The names the public API's earlier enum used for the audio modalities.
const modalityAliases: Record<string, Modality> = {
  "audio-stt": "stt",
  "audio-tts": "tts",
  embeddings: "embedding",
};

function readSingle(query: Record<string, unknown>, param: string): string | undefined {
  const value = query[param];
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value.trim() === "")
    throw new GatewayError("invalid_request", {
      param,
      message: `The query parameter '${param}' must be given once, as a non-empty string.`,
    });
  return value.trim().toLowerCase();
}

function invalidValue(param: string, value: string, allowed: readonly string[]): GatewayError {
  return new GatewayError("invalid_request", {
    param,
    message: `Unknown ${param} '${value}'. Use one of: ${allowed.join(", ")}.`,
  });
}

/**
 * Reads `?modality=&provider=&lab=&capability=` and rejects a value that can never match, so a typo
 * is a 400 naming the parameter rather than a silently empty list.
 */
export function parseModelFilter(
  query: Record<string, unknown>,
  catalog: Catalog,
  isKnownProvider: (id: string) => boolean,
): ModelFilter {
  const filter: ModelFilter = {};
  const modality = readSingle(query, "modality");
  if (modality !== undefined) {
    const resolved = (modalities as readonly string[]).includes(modality)
      ? (modality as Modality)
      : modalityAliases[modality];
    if (!resolved) throw invalidValue("modality", modality, modalities);
    filter.modality = resolved;
  }
  const labs = new Set(catalog.models.map((model) => model.lab));
  const routeProviders = new Set(
    catalog.models.flatMap((model) => model.routes.map((route) => route.provider)),
  );
  const provider = readSingle(query, "provider");
  if (provider !== undefined) {
    if (!labs.has(provider) && !routeProviders.has(provider) && !isKnownProvider(provider))
      throw invalidValue("provider", provider, [...new Set([...routeProviders, ...labs])].sort());
    filter.provider = provider;
  }
  const lab = readSingle(query, "lab");
  if (lab !== undefined) {
    if (!labs.has(lab)) throw invalidValue("lab", lab, [...labs].sort());
    filter.lab = lab;
  }
  const capability = readSingle(query, "capability");
  if (capability !== undefined) {
    if (!(capabilities as readonly string[]).includes(capability))
      throw invalidValue("capability", capability, capabilities);
    filter.capability = capability as Capability;
  }
  return filter;
}

export function matchesModelFilter(model: CatalogModel, filter: ModelFilter): boolean {
  if (filter.modality !== undefined && model.modality !== filter.modality) return false;
  if (filter.lab !== undefined && model.lab !== filter.lab) return false;
  if (filter.capability !== undefined && !model.capabilities.has(filter.capability)) return false;
  if (
    filter.provider !== undefined &&
    model.lab !== filter.provider &&
    !model.routes.some((route) => route.provider === filter.provider)
  )
    return false;
  return true;
}
