import type { FastifyInstance } from "fastify";
import type { EmbeddingRequest } from "@aigateway/protocol";
import type { EmbeddingService } from "../../embeddings/embedding-service.ts";
import { abortOnDisconnect } from "../middleware/abort-on-disconnect.ts";
import { embeddingRequestSchema } from "../validation/embedding-request-schema.ts";
import { parseWithSchema } from "../validation/parse-with-schema.ts";
import { toRequestContext } from "./to-request-context.ts";

export function registerEmbeddingsRoute(app: FastifyInstance, embeddings: EmbeddingService): void {
  app.post("/v1/embeddings", { config: { rateLimited: true } }, async (request, reply) => {
    const context = toRequestContext(request);
    const body = parseWithSchema(embeddingRequestSchema, request.body) as EmbeddingRequest;
    const result = await embeddings.embed(context, body, abortOnDisconnect(reply));
    void reply.headers(result.headers);
    if (result.payload) return reply.type("application/json; charset=utf-8").send(result.payload);
    return reply.send(result.response);
  });
}
