import type { ChatCompletionRequest } from "@aigateway/protocol";
import type {
  ChatTarget,
  ProviderAdapter,
  ProviderConfig,
  UpstreamHttpRequest,
} from "../provider-adapter.ts";
import type { AnthropicResponse } from "./anthropic-wire-types.ts";
import { createAnthropicStreamTransform } from "./anthropic-stream-transform.ts";
import { fromAnthropicResponse } from "./from-anthropic-response.ts";
import { findJsonToolName } from "./json-response-tool.ts";
import { toAnthropicRequest } from "./to-anthropic-request.ts";
import { toAnthropicUpstreamError } from "./to-anthropic-upstream-error.ts";
import { createUnreadableResponseError } from "../create-unreadable-response-error.ts";

/** The API version sent when the operator sets none (ANTHROPIC_VERSION). */
export const defaultAnthropicVersion = "2023-06-01";

function buildHeaders(config: ProviderConfig): Record<string, string> {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "anthropic-version": config.settings["anthropic-version"] || defaultAnthropicVersion,
    ...config.headers,
  };
  const beta = config.settings["anthropic-beta"];
  if (beta) headers["anthropic-beta"] = beta;
  if (config.apiKey) headers["x-api-key"] = config.apiKey;
  return headers;
}

function isAnthropicMessage(body: unknown): body is AnthropicResponse {
  return (
    typeof body === "object" &&
    body !== null &&
    Array.isArray((body as { content?: unknown }).content) &&
    typeof (body as { id?: unknown }).id === "string"
  );
}

/**
 * Anthropic's Messages API (`POST /v1/messages`) behind the OpenAI chat shape. The base URL is the
 * API root as the Anthropic SDK takes it (https://api.anthropic.com); one that already ends in /v1 is
 * accepted too.
 */
export function createAnthropicAdapter(config: ProviderConfig): ProviderAdapter {
  const baseUrl = new URL(config.baseUrl.replace(/\/+$/, ""));
  const origin = baseUrl.origin;
  const basePath = baseUrl.pathname.replace(/\/+$/, "");
  const path = basePath.endsWith("/v1") ? `${basePath}/messages` : `${basePath}/v1/messages`;
  const headers = buildHeaders(config);
  return {
    id: config.id,
    config,
    toChatRequest(request: ChatCompletionRequest, target: ChatTarget): UpstreamHttpRequest {
      const { body, dropped } = toAnthropicRequest(request, target);
      const upstream: UpstreamHttpRequest = { origin, path, headers, body: JSON.stringify(body) };
      if (dropped.length > 0) upstream.droppedParameters = dropped;
      return upstream;
    },
    fromChatResponse(body: unknown, target: ChatTarget, request?: ChatCompletionRequest) {
      if (!isAnthropicMessage(body)) throw createUnreadableResponseError(config.id, body);
      const { completion, usage } = fromAnthropicResponse(body, target.slug, findJsonToolName(request));
      return { completion, usage, unchangedFromUpstream: false };
    },
    createChatStreamTransform(target: ChatTarget, request?: ChatCompletionRequest) {
      return createAnthropicStreamTransform(config.id, target, findJsonToolName(request));
    },
    toUpstreamError(status, body, responseHeaders) {
      return toAnthropicUpstreamError(config.id, status, body, responseHeaders);
    },
  };
}
