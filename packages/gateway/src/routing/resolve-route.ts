import { GatewayError } from "@aigateway/protocol";
import type { Catalog, CatalogModel, CatalogRoute } from "../catalog/catalog.ts";
import type { Modality } from "../catalog/catalog-schema.ts";
import { modalityDetails } from "../catalog/modality-endpoints.ts";
import { findDirectoryProvider } from "../catalog/provider-directory.ts";
import type { ProviderAdapter } from "../providers/provider-adapter.ts";
import type { ProviderRegistry } from "./provider-registry.ts";

/** The provider id of the gateway's own built-in models (the echo demo). */
export const builtInProviderId = "aigateway";

export interface ResolvedRoute {
  model: CatalogModel;
  route: CatalogRoute;
  /** Undefined for built-in models, which are answered in-process. */
  adapter: ProviderAdapter | undefined;
}

function unknownModel(catalog: Catalog, id: string): GatewayError {
  const suggestions = catalog.suggest(id);
  const hint =
    suggestions.length > 0 ? ` Did you mean ${suggestions.map((slug) => `'${slug}'`).join(", ")}?` : "";
  return new GatewayError("model_not_found", {
    param: "model",
    message: `The model '${id}' does not exist.${hint} GET /v1/models lists every model.`,
  });
}

/**
 * How to enable a provider: its own setup hint when the gateway knows it, else the credential variable
 * from the catalog's provider directory (hosts the catalog lists before an adapter exists for them).
 */
function describeMissingProvider(providers: ProviderRegistry, id: string): string | undefined {
  const known = providers.describe(id)?.setupHint;
  if (known !== undefined) return known;
  const listed = findDirectoryProvider(id);
  return listed
    ? `${listed.credentialEnv} (provider '${id}'; no adapter for it in this gateway yet)`
    : undefined;
}

/**
 * Picks the first configured route of a catalog model. A model whose every route lacks credentials is
 * a 503 that names the environment variable to set, not a 404: the model exists, the operator has not
 * enabled it.
 */
export function resolveRoute(
  catalog: Catalog,
  providers: ProviderRegistry,
  modelId: string,
  modality: Modality,
): ResolvedRoute {
  const model = catalog.find(modelId);
  if (!model) throw unknownModel(catalog, modelId);
  if (model.entry.modality !== modality) {
    const endpoint = modalityDetails[model.entry.modality].endpoint;
    throw new GatewayError("invalid_request", {
      param: "model",
      message: `The model '${model.id}' is a ${model.entry.modality} model; call ${endpoint} instead.`,
    });
  }
  for (const route of model.routes) {
    if (route.provider === builtInProviderId) return { model, route, adapter: undefined };
    const adapter = providers.find(route.provider);
    if (adapter) return { model, route, adapter };
  }
  const hints = model.routes
    .map((route) => describeMissingProvider(providers, route.provider))
    .filter((hint): hint is string => hint !== undefined);
  const names = hints.length > 0 ? hints.join(" or ") : "a provider for it in aigateway.config.json";
  throw new GatewayError("service_unavailable", {
    param: "model",
    message: `The model '${model.id}' is not available: no provider serving it is configured. Set ${names}.`,
  });
}
