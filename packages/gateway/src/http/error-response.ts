import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { findErrorCodeForStatus, GatewayError, toErrorEnvelope } from "@aigateway/protocol";

export type Logger = (message: string, details?: Record<string, unknown>) => void;

/** Fastify's own errors (bad JSON, body too large, wrong content type) in our catalogue. */
export function fromFrameworkError(error: FastifyError): GatewayError | undefined {
  switch (error.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return new GatewayError("payload_too_large", {
        message: "The request body is larger than the gateway accepts.",
      });
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return new GatewayError("invalid_request", {
        message: "Unsupported Content-Type: send the body as application/json.",
      });
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return new GatewayError("invalid_request", {
        message: "The request body is empty; expected a JSON object.",
      });
    default:
      if (typeof error.statusCode === "number" && error.statusCode >= 400 && error.statusCode < 500) {
        return new GatewayError(findErrorCodeForStatus(error.statusCode), { message: error.message });
      }
      return undefined;
  }
}

/** The one renderer: anything thrown becomes the OpenAI error envelope; internals never leak. */
export function createErrorHandler(log: Logger) {
  return function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
    const gatewayError =
      error instanceof GatewayError ? error : (fromFrameworkError(error as FastifyError) ?? undefined);
    if (!gatewayError) {
      log("internal error", {
        requestId: request.id,
        error: error instanceof Error ? error.stack : String(error),
      });
    }
    const { status, body } = toErrorEnvelope(gatewayError ?? error);
    if (gatewayError) void reply.headers(gatewayError.headers);
    void reply.code(status).type("application/json").send(body);
  };
}
