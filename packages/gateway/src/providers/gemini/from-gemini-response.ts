import { randomUUID } from "node:crypto";
import type { ChatCompletion, ChatCompletionChoice, ChatMessage, ToolCall } from "@aigateway/protocol";
import { UpstreamError } from "@aigateway/protocol";
import type { ChatResult, ChatTarget } from "../provider-adapter.ts";
import type { GeminiCandidate, GeminiGenerateContentResponse } from "./gemini-wire-types.ts";
import { mapGeminiFinishReason } from "./map-gemini-finish-reason.ts";
import { createCandidateState, mergeReasoningDetails, readGeminiParts } from "./read-gemini-parts.ts";
import { toOpenAiUsage } from "../openai-compatible/read-openai-usage.ts";
import { readGeminiUsage } from "./read-gemini-usage.ts";
import { toGeminiUpstreamError } from "./to-gemini-upstream-error.ts";
import { createUnreadableResponseError } from "../create-unreadable-response-error.ts";

/** A stop that means the model failed (e.g. MALFORMED_FUNCTION_CALL): an error, never an empty success. */
export function failedGenerationError(
  provider: string,
  candidate: GeminiCandidate,
  body: unknown,
): UpstreamError {
  const reason = candidate.finishReason ?? "unknown";
  const detail = candidate.finishMessage ? `: ${candidate.finishMessage}` : "";
  return new UpstreamError("provider_error", {
    provider,
    upstreamStatus: 200,
    upstreamBody: body,
    message: `Provider ${provider} stopped without a usable answer (${reason})${detail}`,
  });
}

/** A blocked prompt is answered, not failed: finish_reason content_filter and a refusal naming the reason. */
export function describeBlockedPrompt(feedback: {
  blockReason?: string;
  blockReasonMessage?: string;
}): string {
  const message = feedback.blockReasonMessage ? `: ${feedback.blockReasonMessage}` : "";
  return `Gemini blocked the prompt (${feedback.blockReason ?? "unknown reason"})${message}`;
}

function toChoice(
  provider: string,
  candidate: GeminiCandidate,
  position: number,
  responseId: string,
  body: unknown,
): ChatCompletionChoice {
  const index = candidate.index ?? position;
  const delta = readGeminiParts(candidate.content?.parts ?? [], createCandidateState(index), responseId);
  const toolCalls: ToolCall[] = [];
  for (const call of delta.toolCalls) {
    const existing = toolCalls[call.index];
    if (existing) existing.function.arguments += call.function?.arguments ?? "";
    else {
      toolCalls[call.index] = {
        id: call.id ?? "",
        type: "function",
        function: { name: call.function?.name ?? "", arguments: call.function?.arguments ?? "" },
      };
    }
  }
  const finishReason = mapGeminiFinishReason(candidate.finishReason ?? "STOP", toolCalls.length > 0);
  if (finishReason === "error") throw failedGenerationError(provider, candidate, body);
  const message: ChatMessage = {
    role: "assistant",
    content: delta.content === "" && toolCalls.length > 0 ? null : delta.content,
  };
  if (delta.reasoning) message.reasoning_content = delta.reasoning;
  if (delta.reasoningDetails.length > 0)
    message.reasoning_details = mergeReasoningDetails(delta.reasoningDetails);
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return {
    index,
    message,
    finish_reason: finishReason,
    native_finish_reason: candidate.finishReason ?? null,
    logprobs: null,
  };
}

/** A generateContent response as an OpenAI chat completion. */
export function fromGeminiResponse(provider: string, body: unknown, target: ChatTarget): ChatResult {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw createUnreadableResponseError(provider, body);
  const response = body as GeminiGenerateContentResponse;
  if (response.error) throw toGeminiUpstreamError(provider, response.error.code ?? 500, body, {});
  const responseId = response.responseId ?? randomUUID();
  const usage = readGeminiUsage(response.usageMetadata);
  const candidates = Array.isArray(response.candidates) ? response.candidates : [];
  let choices: ChatCompletionChoice[];
  if (candidates.length > 0) {
    choices = candidates.map((candidate, position) =>
      toChoice(provider, candidate, position, responseId, body),
    );
  } else if (response.promptFeedback?.blockReason) {
    choices = [
      {
        index: 0,
        message: {
          role: "assistant",
          content: null,
          refusal: describeBlockedPrompt(response.promptFeedback),
        },
        finish_reason: "content_filter",
        native_finish_reason: response.promptFeedback.blockReason,
        logprobs: null,
      },
    ];
  } else {
    throw createUnreadableResponseError(provider, body);
  }
  const completion: ChatCompletion = {
    id: `chatcmpl-${responseId}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: target.slug,
    choices,
    usage: toOpenAiUsage(usage),
  };
  return { completion, usage, unchangedFromUpstream: false };
}
