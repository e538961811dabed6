import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { GatewayError } from "@aigateway/protocol";
import type { MessagesRequest } from "../../messages/anthropic-messages-types.ts";
import type { MessagesService } from "../../messages/messages-service.ts";
import { toMessagesError } from "../../messages/to-messages-error.ts";
import type { AnthropicClientHeaders } from "../../messages/to-passthrough-request.ts";
import { createResponseSink } from "../create-response-sink.ts";
import { fromFrameworkError, type Logger } from "../error-response.ts";
import { abortOnDisconnect } from "../middleware/abort-on-disconnect.ts";
import { countTokensRequestSchema, messagesRequestSchema } from "../validation/messages-request-schema.ts";
import { parseWithSchema } from "../validation/parse-with-schema.ts";
import { toRequestContext } from "./to-request-context.ts";

function readHeader(value: string | string[] | undefined): string | undefined {
  if (Array.isArray(value)) return value.length > 0 ? value.join(",") : undefined;
  return value || undefined;
}

function readClientHeaders(request: FastifyRequest): AnthropicClientHeaders {
  return {
    version: readHeader(request.headers["anthropic-version"]),
    beta: readHeader(request.headers["anthropic-beta"]),
  };
}

/** On these routes every error, including authentication, is in Anthropic's envelope. */
function createMessagesErrorHandler(log: Logger) {
  return function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
    const gatewayError = error instanceof GatewayError ? error : fromFrameworkError(error as FastifyError);
    if (!gatewayError) {
      log("internal error", {
        requestId: request.id,
        error: error instanceof Error ? error.stack : String(error),
      });
    }
    const { status, body } = toMessagesError(gatewayError ?? error, request.id);
    if (gatewayError) void reply.headers(gatewayError.headers);
    void reply.code(status).type("application/json").send(body);
  };
}

/**
 * Anthropic's Messages API, for the official Anthropic SDKs and agents such as Claude Code: at /v1
 * (ANTHROPIC_BASE_URL = the gateway) and under /anthropic (baseURL = <gateway>/anthropic).
 */
export function registerMessagesRoutes(app: FastifyInstance, messages: MessagesService, log: Logger): void {
  void app.register(async (scope) => {
    scope.setErrorHandler(createMessagesErrorHandler(log));
    // Anthropic's SDKs attach this header's value to the errors they raise.
    scope.addHook("onRequest", async (request, reply) => {
      void reply.header("request-id", request.id);
    });

    for (const prefix of ["", "/anthropic"]) {
      scope.post(`${prefix}/v1/messages`, { config: { rateLimited: true } }, async (request, reply) => {
        const context = toRequestContext(request);
        const body = parseWithSchema(messagesRequestSchema, request.body) as MessagesRequest;
        const client = readClientHeaders(request);
        const signal = abortOnDisconnect(reply);
        if (body.stream === true) {
          await messages.stream(context, body, client, createResponseSink(reply), signal);
          return reply;
        }
        const result = await messages.create(context, body, client, signal);
        void reply.headers(result.headers);
        if (Buffer.isBuffer(result.body)) {
          return reply.type("application/json; charset=utf-8").send(result.body);
        }
        return reply.send(result.body);
      });

      scope.post(`${prefix}/v1/messages/count_tokens`, async (request, reply) => {
        const context = toRequestContext(request);
        const body = parseWithSchema(countTokensRequestSchema, request.body) as MessagesRequest;
        const result = await messages.countTokens(
          context,
          body,
          readClientHeaders(request),
          abortOnDisconnect(reply),
        );
        void reply.headers(result.headers);
        if (Buffer.isBuffer(result.body)) {
          return reply.type("application/json; charset=utf-8").send(result.body);
        }
        return reply.send(result.body);
      });
    }
  });
}
