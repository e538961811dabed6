export type * from "./openai-chat.ts";
export type * from "./openai-embeddings.ts";
export {
  errorCatalogue,
  findErrorCodeForStatus,
  type ErrorCode,
  type ErrorDefinition,
} from "./error-catalogue.ts";
export {
  GatewayError,
  UpstreamError,
  type GatewayErrorOptions,
  type UpstreamErrorOptions,
} from "./gateway-error.ts";
export { toErrorEnvelope, type ErrorEnvelope } from "./error-envelope.ts";
export {
  createSseDecoder,
  encodeSseData,
  encodeSseEvent,
  sseDone,
  type SseDecoder,
  type SseEvent,
} from "./sse-codec.ts";
