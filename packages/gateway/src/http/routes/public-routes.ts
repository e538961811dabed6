import type { FastifyInstance } from "fastify";
import type { Storage } from "../../storage/storage.ts";
import { buildOpenApiDocument } from "../openapi-document.ts";
import { gatewayVersion } from "../../gateway-version.ts";

/** Routes that need no key: liveness, readiness and the OpenAPI document. */
export function registerPublicRoutes(app: FastifyInstance, storage: Storage): void {
  const openApi = JSON.stringify(buildOpenApiDocument(gatewayVersion));
  app.get("/health", async () => ({ status: "ok" }));
  app.get("/openapi.json", async (_request, reply) =>
    reply.type("application/json; charset=utf-8").send(openApi),
  );
  app.get("/ready", async (_request, reply) => {
    const storageReady = await storage.ping();
    return reply.code(storageReady ? 200 : 503).send({
      status: storageReady ? "ready" : "unavailable",
      storage: { kind: storage.kind, ok: storageReady },
    });
  });
}
