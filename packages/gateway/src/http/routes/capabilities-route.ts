import type { FastifyInstance } from "fastify";
import type { Catalog } from "../../catalog/catalog.ts";
import { describeCapabilities } from "../../catalog/describe-capabilities.ts";

export function registerCapabilitiesRoute(app: FastifyInstance, catalog: Catalog): void {
  const body = describeCapabilities(catalog);
  app.get("/v1/capabilities", async () => body);
}
