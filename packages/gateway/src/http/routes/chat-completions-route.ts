import type { FastifyInstance } from "fastify";
import type { ChatCompletionRequest } from "@aigateway/protocol";
import type { ChatService } from "../../chat/chat-service.ts";
import { createResponseSink } from "../create-response-sink.ts";
import { abortOnDisconnect } from "../middleware/abort-on-disconnect.ts";
import { chatRequestSchema } from "../validation/chat-request-schema.ts";
import { parseWithSchema } from "../validation/parse-with-schema.ts";
import { mergeRoutingHeaders, readCacheMode } from "../validation/read-routing-headers.ts";
import { toRequestContext } from "./to-request-context.ts";

export function registerChatCompletionsRoute(app: FastifyInstance, chat: ChatService): void {
  app.post("/v1/chat/completions", { config: { rateLimited: true } }, async (request, reply) => {
    const context = { ...toRequestContext(request), cacheMode: readCacheMode(request.headers) };
    const raw = request.body;
    const merged =
      raw !== null && typeof raw === "object" && !Array.isArray(raw)
        ? mergeRoutingHeaders(raw as Record<string, unknown>, request.headers)
        : raw;
    const body = parseWithSchema(chatRequestSchema, merged) as ChatCompletionRequest;
    const signal = abortOnDisconnect(reply);
    if (body.stream) {
      await chat.stream(context, body, createResponseSink(reply), signal);
      return reply;
    }
    const result = await chat.complete(context, body, signal);
    void reply.headers(result.headers);
    if (result.payload) return reply.type("application/json; charset=utf-8").send(result.payload);
    return reply.send(result.completion);
  });
}
