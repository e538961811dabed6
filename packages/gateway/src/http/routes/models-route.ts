import type { FastifyInstance } from "fastify";
import { GatewayError } from "@aigateway/protocol";
import type { Catalog, CatalogModel, CatalogRoute } from "../../catalog/catalog.ts";
import { buildInvocationSchema } from "../../catalog/build-invocation-schema.ts";
import { describeModel } from "../../catalog/describe-model.ts";
import { matchesModelFilter, parseModelFilter } from "../../catalog/filter-models.ts";
import type { ProviderRegistry } from "../../routing/provider-registry.ts";
import { builtInProviderId } from "../../routing/resolve-route.ts";

const schemaSuffix = "/schema";

function notFound(catalog: Catalog, id: string): GatewayError {
  const suggestions = catalog.suggest(id);
  const hint = suggestions.length
    ? ` Did you mean ${suggestions.map((slug) => `'${slug}'`).join(", ")}?`
    : "";
  return new GatewayError("model_not_found", {
    param: "model",
    message: `The model '${id}' does not exist.${hint}`,
  });
}

/** The model a wildcard path names, and whether it asks for only the invocation schema. */
function findRequestedModel(catalog: Catalog, path: string): { model: CatalogModel; schemaOnly: boolean } {
  let id: string;
  try {
    id = decodeURIComponent(path);
  } catch {
    throw new GatewayError("invalid_request", {
      param: "model",
      message: "The model id is not valid URL encoding.",
    });
  }
  const exact = catalog.find(id);
  if (exact) return { model: exact, schemaOnly: false };
  if (id.endsWith(schemaSuffix)) {
    const model = catalog.find(id.slice(0, -schemaSuffix.length));
    if (model) return { model, schemaOnly: true };
    throw notFound(catalog, id.slice(0, -schemaSuffix.length));
  }
  throw notFound(catalog, id);
}

export function registerModelsRoutes(
  app: FastifyInstance,
  catalog: Catalog,
  providers: ProviderRegistry,
): void {
  const isRouteAvailable = (route: CatalogRoute): boolean =>
    route.provider === builtInProviderId || providers.find(route.provider) !== undefined;
  const isKnownProvider = (id: string): boolean => providers.describe(id) !== undefined;

  app.get("/v1/models", async (request) => {
    const filter = parseModelFilter(request.query as Record<string, unknown>, catalog, isKnownProvider);
    const now = Date.now();
    return {
      object: "list",
      data: catalog.models
        .filter((model) => matchesModelFilter(model, filter))
        .map((model) => describeModel(model, isRouteAvailable, now)),
    };
  });
  // Slugs contain a slash (lab/model), so the id is the rest of the path; a trailing /schema asks for
  // the invocation schema alone.
  app.get("/v1/models/*", async (request) => {
    const { model, schemaOnly } = findRequestedModel(catalog, (request.params as { "*": string })["*"]);
    const schema = buildInvocationSchema(model.entry);
    if (schemaOnly) return schema;
    return { ...describeModel(model, isRouteAvailable), schema };
  });
}
