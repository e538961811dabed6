import type { Catalog } from "./catalog.ts";
import { capabilities, modalities } from "./catalog-schema.ts";
import { capabilityDetails, modalityDetails } from "./modality-endpoints.ts";

/** What the catalog covers: the capability vocabulary, each modality's endpoint, and counts. */
export function describeCapabilities(catalog: Catalog) {
  const countWhere = (predicate: (model: Catalog["models"][number]) => boolean) =>
    catalog.models.filter(predicate).length;
  return {
    object: "capabilities",
    catalog_version: catalog.version,
    data: capabilities.map((id) => ({
      id,
      ...capabilityDetails[id],
      model_count: countWhere((model) => model.capabilities.has(id)),
    })),
    modalities: modalities.map((id) => ({
      id,
      ...modalityDetails[id],
      model_count: countWhere((model) => model.modality === id),
    })),
    endpoints: [
      ...new Set([
        ...modalities.map((id) => modalityDetails[id].endpoint),
        "/v1/models",
        "/v1/models/{lab}/{model}",
        "/v1/models/{lab}/{model}/schema",
        "/v1/capabilities",
        "/llms.txt",
        "/llms-full.txt",
      ]),
    ],
    counts: {
      models: catalog.models.length,
      labs: new Set(catalog.models.map((model) => model.lab)).size,
      providers: new Set(catalog.models.flatMap((model) => model.routes.map((route) => route.provider))).size,
      routes: catalog.models.reduce((sum, model) => sum + model.routes.length, 0),
    },
  };
}
