import type {
  ChatCompletion,
  ChatCompletionRequest,
  EmbeddingRequest,
  EmbeddingResponse,
} from "@aigateway/protocol";
import type {
  ChatTarget,
  ProviderAdapter,
  ProviderConfig,
  UpstreamHttpRequest,
} from "../provider-adapter.ts";
import { countsReasoningApart, readOpenAiUsage } from "./read-openai-usage.ts";
import { moveThinkingPartsToReasoning, renameReasoningField } from "./normalize-chat-message.ts";
import { createOpenAiCompatibleStreamTransform } from "./openai-compatible-stream-transform.ts";
import { replayReasoningAsThinkingParts } from "./replay-reasoning-as-thinking-parts.ts";
import { toOpenAiUpstreamError } from "./to-openai-upstream-error.ts";
import { createUnreadableResponseError } from "../create-unreadable-response-error.ts";

function buildHeaders(config: ProviderConfig): Record<string, string> {
  const headers: Record<string, string> = { "content-type": "application/json", ...config.headers };
  if (config.apiKey) headers.authorization = `Bearer ${config.apiKey}`;
  return headers;
}

/**
 * One adapter for every vendor that speaks OpenAI's chat API (OpenAI, Groq, Together, Fireworks,
 * DeepSeek, Moonshot, Mistral, xAI, OpenRouter, DeepInfra, Cerebras, Ollama, vLLM): they differ only
 * in configuration and in the quirks the stream transform normalises.
 */
export function createOpenAiCompatibleAdapter(config: ProviderConfig): ProviderAdapter {
  const baseUrl = new URL(config.baseUrl.replace(/\/+$/, ""));
  const origin = baseUrl.origin;
  const basePath = baseUrl.pathname.replace(/\/+$/, "");
  const headers = buildHeaders(config);
  // Mistral's API, under the known id or a custom one pointing at it (its schema is strict).
  const speaksMistral = config.id === "mistral" || /(^|\.)mistral\.ai$/.test(baseUrl.hostname);

  return {
    id: config.id,
    config,
    toChatRequest(request: ChatCompletionRequest, target: ChatTarget): UpstreamHttpRequest {
      const body: ChatCompletionRequest = { ...request, model: target.upstreamModel };
      if (speaksMistral && Array.isArray(request.messages)) {
        body.messages = replayReasoningAsThinkingParts(request.messages);
      }
      if (body.stream) {
        // Usage is always requested so every stream can be billed and end with a usage chunk.
        body.stream_options = { ...body.stream_options, include_usage: true };
      }
      return { origin, path: `${basePath}/chat/completions`, headers, body: JSON.stringify(body) };
    },
    fromChatResponse(body: unknown, target: ChatTarget) {
      const completion = body as ChatCompletion;
      if (typeof completion !== "object" || completion === null || !Array.isArray(completion.choices)) {
        throw createUnreadableResponseError(config.id, body);
      }
      const usage = readOpenAiUsage(
        completion.usage ?? (completion as { x_groq?: { usage?: never } }).x_groq?.usage,
      );
      completion.model = target.slug;
      let changed = false;
      if (completion.usage && countsReasoningApart(completion.usage)) {
        // The client sees completion_tokens as OpenAI means it (reasoning included), as it is billed.
        completion.usage.completion_tokens = usage.completionTokens;
        changed = true;
      }
      for (const choice of completion.choices) {
        if (!choice.message) continue;
        if (renameReasoningField(choice.message)) changed = true;
        if (moveThinkingPartsToReasoning(choice.message, "message")) changed = true;
      }
      return { completion, usage, unchangedFromUpstream: !changed };
    },
    createChatStreamTransform(target: ChatTarget) {
      return createOpenAiCompatibleStreamTransform(config.id, target);
    },
    toEmbeddingRequest(request: EmbeddingRequest, target: ChatTarget): UpstreamHttpRequest {
      return {
        origin,
        path: `${basePath}/embeddings`,
        headers,
        body: JSON.stringify({ ...request, model: target.upstreamModel }),
      };
    },
    fromEmbeddingResponse(body: unknown, target: ChatTarget) {
      const response = body as EmbeddingResponse;
      if (typeof response !== "object" || response === null || !Array.isArray(response.data)) {
        throw createUnreadableResponseError(config.id, body);
      }
      const usage = readOpenAiUsage({
        prompt_tokens: response.usage?.prompt_tokens ?? 0,
        completion_tokens: 0,
        total_tokens: response.usage?.total_tokens ?? 0,
      });
      response.model = target.slug;
      return { response, usage, unchangedFromUpstream: true };
    },
    toUpstreamError(status, body, responseHeaders) {
      return toOpenAiUpstreamError(config.id, status, body, responseHeaders);
    },
  };
}
