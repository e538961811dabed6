import type { EmbeddingRequest, EmbeddingResponse } from "@aigateway/protocol";
import { GatewayError } from "@aigateway/protocol";
import { estimateTokens } from "../../chat/estimate-tokens.ts";
import type { TokenUsage } from "../../usage/token-usage.ts";
import { emptyTokenUsage } from "../../usage/token-usage.ts";
import { createUnreadableResponseError } from "../create-unreadable-response-error.ts";
import { encodeEmbeddingBase64 } from "../encode-embedding-base64.ts";

export interface GeminiBatchEmbedRequest {
  requests: {
    model: string;
    content: { parts: { text: string }[] };
    outputDimensionality?: number;
  }[];
}

interface GeminiBatchEmbedResponse {
  embeddings?: { values?: number[] }[];
  usageMetadata?: { promptTokenCount?: number };
}

function readInputs(request: EmbeddingRequest): string[] {
  const input = request.input;
  const inputs = typeof input === "string" ? [input] : input;
  if (!Array.isArray(inputs) || inputs.length === 0 || !inputs.every((item) => typeof item === "string")) {
    throw new GatewayError("invalid_request", {
      param: "input",
      message: "Gemini embeds text: input must be a string or a non-empty array of strings (not token ids).",
    });
  }
  return inputs;
}

/** `models/<id>` unless the id already names its collection (tunedModels/…). */
export function toGeminiModelName(upstreamModel: string): string {
  return upstreamModel.includes("/") ? upstreamModel : `models/${upstreamModel}`;
}

/** OpenAI embeddings as one batchEmbedContents call (one request per input, in order). */
export function toGeminiEmbeddingRequest(
  request: EmbeddingRequest,
  upstreamModel: string,
): GeminiBatchEmbedRequest {
  const model = toGeminiModelName(upstreamModel);
  return {
    requests: readInputs(request).map((text) => {
      const item: GeminiBatchEmbedRequest["requests"][number] = { model, content: { parts: [{ text }] } };
      if (typeof request.dimensions === "number") item.outputDimensionality = request.dimensions;
      return item;
    }),
  };
}

/**
 * batchEmbedContents' vectors as an OpenAI embedding list, base64 (little-endian float32, as OpenAI
 * sends it) when the client asked for it, as the openai SDK does by default. Gemini reports no token
 * count for embeddings, so usage is estimated from the input text (~4 characters a token) unless a
 * count is present.
 */
export function fromGeminiEmbeddingResponse(
  provider: string,
  body: unknown,
  slug: string,
  request: EmbeddingRequest,
): { response: EmbeddingResponse; usage: TokenUsage; unchangedFromUpstream: boolean } {
  const embeddings = (body as GeminiBatchEmbedResponse | null)?.embeddings;
  if (!Array.isArray(embeddings)) throw createUnreadableResponseError(provider, body);
  const base64 = request.encoding_format === "base64";
  const data = embeddings.map((embedding, index) => {
    const values = Array.isArray(embedding.values) ? embedding.values : [];
    return {
      object: "embedding" as const,
      index,
      embedding: base64 ? encodeEmbeddingBase64(values) : values,
    };
  });
  const counted = (body as GeminiBatchEmbedResponse).usageMetadata?.promptTokenCount;
  const promptTokens =
    typeof counted === "number"
      ? counted
      : readInputs(request).reduce((total, text) => total + estimateTokens(text), 0);
  return {
    response: {
      object: "list",
      data,
      model: slug,
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
    },
    usage: { ...emptyTokenUsage, promptTokens },
    unchangedFromUpstream: false,
  };
}
