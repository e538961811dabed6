import type { FastifyInstance } from "fastify";
import type { BatchService } from "../../batches/batch-service.ts";
import { toBatchObject } from "../../batches/to-batch-object.ts";
import { requirePrincipal } from "../middleware/authenticate.ts";
import { createBatchSchema, listBatchesQuerySchema } from "../validation/batch-schemas.ts";
import { parseWithSchema } from "../validation/parse-with-schema.ts";
import { toRequestContext } from "./to-request-context.ts";

/** The OpenAI Batch API. Creating a batch is one request; its lines are not counted against RPM. */
export function registerBatchesRoutes(app: FastifyInstance, batches: BatchService): void {
  app.post("/v1/batches", { config: { rateLimited: true } }, async (request, reply) => {
    const body = parseWithSchema(createBatchSchema, request.body);
    const batch = await batches.create(toRequestContext(request), {
      inputFileId: body.input_file_id,
      endpoint: body.endpoint,
      completionWindow: body.completion_window,
      metadata: body.metadata ?? null,
    });
    return reply.code(201).send(toBatchObject(batch));
  });

  app.get("/v1/batches", async (request) => {
    const principal = requirePrincipal(request);
    const query = parseWithSchema(listBatchesQuerySchema, request.query);
    const { batches: page, hasMore } = await batches.list(principal.accountId, {
      limit: query.limit,
      after: query.after,
    });
    const data = page.map(toBatchObject);
    return {
      object: "list",
      data,
      first_id: page[0]?.id ?? null,
      last_id: page.at(-1)?.id ?? null,
      has_more: hasMore,
    };
  });

  app.get<{ Params: { id: string } }>("/v1/batches/:id", async (request) => {
    const principal = requirePrincipal(request);
    return toBatchObject(await batches.get(principal.accountId, request.params.id));
  });

  app.post<{ Params: { id: string } }>("/v1/batches/:id/cancel", async (request) => {
    const principal = requirePrincipal(request);
    return toBatchObject(await batches.cancel(principal.accountId, request.params.id));
  });
}
