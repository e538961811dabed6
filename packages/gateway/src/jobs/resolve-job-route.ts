import { GatewayError } from "@aigateway/protocol";
import type { Catalog, CatalogModel, CatalogRoute } from "../catalog/catalog.ts";
import type { Modality } from "../catalog/catalog-schema.ts";
import type { ProviderConfig } from "../providers/provider-adapter.ts";
import type { JobAdapter, JobModality } from "./job-adapter.ts";

export interface ResolvedJobRoute {
  model: CatalogModel;
  route: CatalogRoute;
  adapter: JobAdapter;
  config: ProviderConfig;
}

const catalogModality: Record<JobModality, Modality | undefined> = {
  video: "video",
  music: "music",
  stt: "stt",
  // The catalog has no 3D models yet; the endpoint exists so clients get a clear answer.
  "3d": undefined,
};

/** Picks the first route of the model served by a submit-and-poll adapter whose provider has its key. */
export function resolveJobRoute(
  catalog: Catalog,
  adapters: ReadonlyMap<string, JobAdapter>,
  providers: readonly ProviderConfig[],
  modelId: string,
  modality: JobModality,
): ResolvedJobRoute {
  const model = catalog.find(modelId);
  const wanted = catalogModality[modality];
  if (!model) {
    const suggestions = catalog.suggest(modelId);
    throw new GatewayError("model_not_found", {
      param: "model",
      message: `The model '${modelId}' does not exist.${
        suggestions.length > 0 ? ` Did you mean ${suggestions.map((slug) => `'${slug}'`).join(", ")}?` : ""
      } GET /v1/models?modality=${wanted ?? modality} lists the candidates.`,
    });
  }
  if (wanted === undefined || model.modality !== wanted) {
    throw new GatewayError("invalid_request", {
      param: "model",
      message: `The model '${model.id}' is a ${model.modality} model, not a ${modality} model.`,
    });
  }
  const missing: string[] = [];
  for (const route of model.routes) {
    const adapter = adapters.get(route.provider);
    const config = providers.find((provider) => provider.id === route.provider);
    if (!adapter || !config) continue;
    if (config.apiKey || !config.requiresApiKey) return { model, route, adapter, config };
    missing.push(config.setupHint);
  }
  throw new GatewayError("service_unavailable", {
    param: "model",
    message:
      missing.length > 0
        ? `The model '${model.id}' is not available: set ${missing.join(" or ")}.`
        : `The model '${model.id}' has no route this gateway can run as an async job (supported: ${[
            ...adapters.keys(),
          ].join(", ")}).`,
  });
}

/** The first model of the modality that can run now (for `auto/music` and an omitted model). */
export function findDefaultJobModel(
  catalog: Catalog,
  adapters: ReadonlyMap<string, JobAdapter>,
  providers: readonly ProviderConfig[],
  modality: JobModality,
): string | undefined {
  for (const model of catalog.models) {
    if (model.modality !== catalogModality[modality]) continue;
    try {
      resolveJobRoute(catalog, adapters, providers, model.id, modality);
      return model.id;
    } catch {
      // Not runnable here; try the next.
    }
  }
  return undefined;
}
