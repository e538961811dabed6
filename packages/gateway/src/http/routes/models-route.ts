import type { FastifyInstance } from "fastify";
import { GatewayError } from "@aigateway/protocol";
import type { Catalog, CatalogModel } from "../../catalog/catalog.ts";
import type { ProviderRegistry } from "../../routing/provider-registry.ts";
import { builtInProviderId } from "../../routing/resolve-route.ts";

function toModelObject(model: CatalogModel, providers: ProviderRegistry) {
  const entry = model.entry;
  const primary = entry.routes[0];
  return {
    id: model.id,
    object: "model" as const,
    created: Math.floor(Date.parse(entry.released) / 1000),
    owned_by: entry.lab,
    name: entry.name,
    description: entry.description ?? null,
    modality: entry.modality,
    context_window: entry.context_window,
    max_output_tokens: entry.max_output_tokens,
    capabilities: entry.capabilities,
    pricing: primary
      ? {
          currency: "USD",
          unit: "per_1m_tokens",
          input: primary.pricing.input,
          output: primary.pricing.output,
          cached_input: primary.pricing.cached_input ?? null,
          cache_write: primary.pricing.cache_write ?? null,
          source: primary.price_source,
          as_of: primary.price_as_of,
        }
      : null,
    providers: entry.routes.map((route) => ({
      provider: route.provider,
      upstream_id: route.upstream_id,
      pricing: route.pricing,
      available: route.provider === builtInProviderId || providers.find(route.provider) !== undefined,
    })),
    available: entry.routes.some(
      (route) => route.provider === builtInProviderId || providers.find(route.provider) !== undefined,
    ),
  };
}

export function registerModelsRoutes(
  app: FastifyInstance,
  catalog: Catalog,
  providers: ProviderRegistry,
): void {
  app.get("/v1/models", async () => ({
    object: "list",
    data: catalog.models.map((model) => toModelObject(model, providers)),
  }));
  // Slugs contain a slash (lab/model), so the id is the rest of the path.
  app.get("/v1/models/*", async (request) => {
    const id = decodeURIComponent((request.params as { "*": string })["*"]);
    const model = catalog.find(id);
    if (!model) {
      const suggestions = catalog.suggest(id);
      throw new GatewayError("model_not_found", {
        param: "model",
        message: `The model '${id}' does not exist.${suggestions.length ? ` Did you mean ${suggestions.map((slug) => `'${slug}'`).join(", ")}?` : ""}`,
      });
    }
    return toModelObject(model, providers);
  });
}
