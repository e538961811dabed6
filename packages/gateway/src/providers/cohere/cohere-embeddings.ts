import type { EmbeddingRequest, EmbeddingResponse } from "@aigateway/protocol";
import { GatewayError } from "@aigateway/protocol";
import type { TokenUsage } from "../../usage/token-usage.ts";
import { emptyTokenUsage } from "../../usage/token-usage.ts";
import type { CohereEmbedResponse } from "./cohere-wire.ts";
import { encodeEmbeddingBase64 } from "../encode-embedding-base64.ts";

/** Fields this translation reads; anything else the client sent is reported as dropped. */
const translatedFields = new Set([
  "model",
  "input",
  "dimensions",
  "encoding_format",
  "input_type",
  "truncate",
]);

/**
 * An OpenAI embeddings request as a Cohere v2 /embed body. Cohere needs an `input_type`; without one
 * from the client (a Cohere extension field) the gateway embeds for storage, "search_document".
 */
export function toCohereEmbedBody(
  request: EmbeddingRequest,
  upstreamModel: string,
): { body: Record<string, unknown>; droppedParameters: string[] } {
  const texts = typeof request.input === "string" ? [request.input] : request.input;
  if (!texts.every((text): text is string => typeof text === "string")) {
    throw new GatewayError("invalid_request", {
      param: "input",
      message: "Cohere embeds text only: send input as a string or an array of strings, not token ids.",
    });
  }
  const body: Record<string, unknown> = {
    model: upstreamModel,
    texts,
    input_type: typeof request.input_type === "string" ? request.input_type : "search_document",
    // Always floats: base64 is produced by the gateway (Cohere's base64 type is not on every model).
    embedding_types: ["float"],
  };
  if (request.dimensions !== undefined) body.output_dimension = request.dimensions;
  if (typeof request.truncate === "string") body.truncate = request.truncate;
  const droppedParameters = Object.keys(request).filter(
    (field) => !translatedFields.has(field) && request[field] !== undefined && request[field] !== null,
  );
  return { body, droppedParameters };
}

export function isCohereEmbedResponse(body: unknown): body is CohereEmbedResponse {
  return (
    typeof body === "object" &&
    body !== null &&
    Array.isArray((body as CohereEmbedResponse).embeddings?.float)
  );
}

/** A Cohere v2 embed response in OpenAI's shape, encoded as the client asked. */
export function fromCohereEmbedResponse(
  response: CohereEmbedResponse,
  slug: string,
  encodingFormat: EmbeddingRequest["encoding_format"],
): { response: EmbeddingResponse; usage: TokenUsage } {
  const vectors = response.embeddings?.float ?? [];
  const promptTokens = response.meta?.billed_units?.input_tokens ?? 0;
  return {
    response: {
      object: "list",
      data: vectors.map((vector, index) => ({
        object: "embedding",
        index,
        embedding: encodingFormat === "base64" ? encodeEmbeddingBase64(vector) : vector,
      })),
      model: slug,
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
    },
    usage: { ...emptyTokenUsage, promptTokens },
  };
}
