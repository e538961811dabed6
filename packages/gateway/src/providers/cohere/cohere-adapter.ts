import type { ChatCompletionRequest, EmbeddingRequest } from "@aigateway/protocol";
import type {
  ChatTarget,
  ProviderAdapter,
  ProviderConfig,
  UpstreamHttpRequest,
} from "../provider-adapter.ts";
import { createCohereStreamTransform } from "./cohere-stream-transform.ts";
import { fromCohereEmbedResponse, isCohereEmbedResponse, toCohereEmbedBody } from "./cohere-embeddings.ts";
import { fromCohereChatResponse, isCohereChatResponse } from "./from-cohere-chat-response.ts";
import { toCohereChatBody } from "./to-cohere-chat-body.ts";
import { toCohereUpstreamError } from "./to-cohere-upstream-error.ts";
import { createUnreadableResponseError } from "../create-unreadable-response-error.ts";

/** Cohere's v2 API (POST /v2/chat, /v2/embed, Bearer auth), translated to and from OpenAI's shape. */
export function createCohereAdapter(config: ProviderConfig): ProviderAdapter {
  const baseUrl = new URL(config.baseUrl.replace(/\/+$/, ""));
  const origin = baseUrl.origin;
  const basePath = baseUrl.pathname.replace(/\/+$/, "");
  const headers: Record<string, string> = { "content-type": "application/json", ...config.headers };
  if (config.apiKey) headers.authorization = `Bearer ${config.apiKey}`;

  return {
    id: config.id,
    config,
    toChatRequest(request: ChatCompletionRequest, target: ChatTarget): UpstreamHttpRequest {
      const { body, droppedParameters } = toCohereChatBody(request, target.upstreamModel);
      return { origin, path: `${basePath}/v2/chat`, headers, body: JSON.stringify(body), droppedParameters };
    },
    fromChatResponse(body: unknown, target: ChatTarget) {
      if (!isCohereChatResponse(body)) throw createUnreadableResponseError(config.id, body);
      const created = Math.floor(Date.now() / 1000);
      return { ...fromCohereChatResponse(body, target.slug, created), unchangedFromUpstream: false };
    },
    createChatStreamTransform(target: ChatTarget) {
      return createCohereStreamTransform(config.id, target);
    },
    toEmbeddingRequest(request: EmbeddingRequest, target: ChatTarget): UpstreamHttpRequest {
      const { body, droppedParameters } = toCohereEmbedBody(request, target.upstreamModel);
      return { origin, path: `${basePath}/v2/embed`, headers, body: JSON.stringify(body), droppedParameters };
    },
    fromEmbeddingResponse(body: unknown, target: ChatTarget, request?: EmbeddingRequest) {
      if (!isCohereEmbedResponse(body)) throw createUnreadableResponseError(config.id, body);
      return {
        ...fromCohereEmbedResponse(body, target.slug, request?.encoding_format),
        unchangedFromUpstream: false,
      };
    },
    toUpstreamError(status, body, responseHeaders) {
      return toCohereUpstreamError(config.id, status, body, responseHeaders);
    },
  };
}
