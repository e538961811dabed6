import type { FastifyInstance } from "fastify";
import type { Catalog } from "../../catalog/catalog.ts";
import { renderLlmsFullText, renderLlmsText } from "../../catalog/render-llms-text.ts";

/** `/llms.txt` and `/llms-full.txt`: the catalog for language models to read; public, like the OpenAPI document. */
export function registerLlmsTextRoutes(app: FastifyInstance, catalog: Catalog): void {
  app.get("/llms.txt", async (_request, reply) =>
    reply.type("text/plain; charset=utf-8").send(renderLlmsText(catalog)),
  );
  app.get("/llms-full.txt", async (_request, reply) =>
    reply.type("text/plain; charset=utf-8").send(renderLlmsFullText(catalog)),
  );
}
