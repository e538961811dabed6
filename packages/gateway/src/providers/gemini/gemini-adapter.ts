import type { ChatCompletionRequest, EmbeddingRequest } from "@aigateway/protocol";
import type {
  ChatTarget,
  ProviderAdapter,
  ProviderConfig,
  UpstreamHttpRequest,
} from "../provider-adapter.ts";
import { fromGeminiResponse } from "./from-gemini-response.ts";
import {
  fromGeminiEmbeddingResponse,
  toGeminiEmbeddingRequest,
  toGeminiModelName,
} from "./gemini-embeddings.ts";
import { createGeminiStreamTransform } from "./gemini-stream-transform.ts";
import { listGeminiUnsupportedParameters } from "./list-gemini-unsupported-parameters.ts";
import { toGeminiRequest, type GeminiSchemaFormat } from "./to-gemini-request.ts";
import { toGeminiUpstreamError } from "./to-gemini-upstream-error.ts";

function readSchemaFormat(config: ProviderConfig): GeminiSchemaFormat {
  const value = config.settings.schemaFormat;
  if (value === undefined || value === "openapi") return "openapi";
  if (value === "json-schema") return "json-schema";
  throw new Error(`GEMINI_SCHEMA_FORMAT must be "openapi" or "json-schema", got "${value}"`);
}

function toModelPath(upstreamModel: string): string {
  return toGeminiModelName(upstreamModel).split("/").map(encodeURIComponent).join("/");
}

/**
 * Google's Gemini API (generateContent / streamGenerateContent?alt=sse / batchEmbedContents), keyed
 * with x-goog-api-key. Vertex AI (OAuth, project/location paths) is a different endpoint and is not
 * served by this adapter.
 */
export function createGeminiAdapter(config: ProviderConfig): ProviderAdapter {
  const baseUrl = new URL(config.baseUrl.replace(/\/+$/, ""));
  const origin = baseUrl.origin;
  const basePath = baseUrl.pathname.replace(/\/+$/, "");
  const headers: Record<string, string> = { "content-type": "application/json", ...config.headers };
  if (config.apiKey) headers["x-goog-api-key"] = config.apiKey;
  const schemaFormat = readSchemaFormat(config);

  return {
    id: config.id,
    config,
    toChatRequest(request: ChatCompletionRequest, target: ChatTarget): UpstreamHttpRequest {
      const body = toGeminiRequest(request, target.upstreamModel, schemaFormat);
      const method = request.stream ? "streamGenerateContent?alt=sse" : "generateContent";
      return {
        origin,
        path: `${basePath}/${toModelPath(target.upstreamModel)}:${method}`,
        headers,
        body: JSON.stringify(body),
        droppedParameters: listGeminiUnsupportedParameters(request),
      };
    },
    fromChatResponse(body: unknown, target: ChatTarget) {
      return fromGeminiResponse(config.id, body, target);
    },
    createChatStreamTransform(target: ChatTarget) {
      return createGeminiStreamTransform(config.id, target);
    },
    toEmbeddingRequest(request: EmbeddingRequest, target: ChatTarget): UpstreamHttpRequest {
      return {
        origin,
        path: `${basePath}/${toModelPath(target.upstreamModel)}:batchEmbedContents`,
        headers,
        body: JSON.stringify(toGeminiEmbeddingRequest(request, target.upstreamModel)),
      };
    },
    fromEmbeddingResponse(body: unknown, target: ChatTarget, request: EmbeddingRequest) {
      return fromGeminiEmbeddingResponse(config.id, body, target.slug, request);
    },
    toUpstreamError(status, body, responseHeaders) {
      return toGeminiUpstreamError(config.id, status, body, responseHeaders);
    },
  };
}
