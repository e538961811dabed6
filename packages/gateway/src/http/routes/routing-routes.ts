import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { ResponseCache } from "../../cache/response-cache.ts";
import type { Router } from "../../routing/create-router.ts";
import { requireProfile } from "../middleware/authenticate.ts";
import { parseWithSchema } from "../validation/parse-with-schema.ts";

export const providerHealthQuerySchema = z.strictObject({
  provider: z.string().min(1).max(64).optional(),
  model: z.string().min(1).max(200).optional(),
});

/** GET /v1/health/providers (live route stats and breakers) and DELETE /v1/cache. */
export function registerRoutingRoutes(app: FastifyInstance, router: Router, cache: ResponseCache): void {
  app.get("/v1/health/providers", async (request) => {
    const query = parseWithSchema(providerHealthQuerySchema, request.query ?? {});
    const routes = router.describeHealth({ provider: query.provider, model: query.model?.toLowerCase() });
    const byProvider = new Map<
      string,
      { routes: number; open: number; requests: number; failures: number }
    >();
    for (const route of routes) {
      const summary = byProvider.get(route.provider) ?? { routes: 0, open: 0, requests: 0, failures: 0 };
      summary.routes++;
      if (route.breaker.state !== "closed") summary.open++;
      summary.requests += route.requests;
      summary.failures += route.failures;
      byProvider.set(route.provider, summary);
    }
    return {
      object: "list",
      providers: [...byProvider.entries()].map(([provider, summary]) => ({
        provider,
        routes: summary.routes,
        open_routes: summary.open,
        requests: summary.requests,
        failures: summary.failures,
        status: summary.open === summary.routes ? "down" : summary.open > 0 ? "degraded" : "up",
      })),
      data: routes,
    };
  });

  // Entries are per billing account, so any key of the account flushes the account's entries.
  app.delete("/v1/cache", async (request) => {
    const profile = requireProfile(request);
    const deleted = await cache.flush(profile.billing.id);
    return { object: "cache.flush", account_id: profile.billing.id, deleted };
  });
}
