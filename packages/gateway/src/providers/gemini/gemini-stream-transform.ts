import { randomUUID } from "node:crypto";
import type { ChatCompletionChunk, ChatCompletionChunkChoice, SseEvent } from "@aigateway/protocol";
import type { TokenUsage } from "../../usage/token-usage.ts";
import type { ChatStreamItem, ChatStreamTransform, ChatTarget } from "../provider-adapter.ts";
import { describeBlockedPrompt, failedGenerationError } from "./from-gemini-response.ts";
import type { GeminiGenerateContentResponse } from "./gemini-wire-types.ts";
import { mapGeminiFinishReason } from "./map-gemini-finish-reason.ts";
import { createCandidateState, readGeminiParts, type CandidateState } from "./read-gemini-parts.ts";
import { readGeminiUsage } from "./read-gemini-usage.ts";
import { toGeminiUpstreamError } from "./to-gemini-upstream-error.ts";
import { reportMalformedStreamEvent, reportStreamEndedEarly } from "../stream-failure-items.ts";

interface StreamedCandidate extends CandidateState {
  sentRole: boolean;
  finished: boolean;
}

/**
 * streamGenerateContent?alt=sse events (each a whole GenerateContentResponse holding the newest parts)
 * as chat.completion.chunk items. Usage comes in every event and only the last count is reported. A
 * Gemini stream has no [DONE]: it is complete once every candidate has a finishReason (or the prompt
 * was blocked); a body that ends before that is reported as an error, as is an in-stream error event.
 */
export function createGeminiStreamTransform(provider: string, target: ChatTarget): ChatStreamTransform {
  const fallbackResponseId = randomUUID();
  let responseId: string | undefined;
  let completionId = "";
  let created = 0;
  let usage: TokenUsage | undefined;
  let blocked = false;
  const candidates = new Map<number, StreamedCandidate>();

  const toChunk = (choices: ChatCompletionChunkChoice[]): ChatCompletionChunk => ({
    id: completionId,
    object: "chat.completion.chunk",
    created,
    model: target.slug,
    choices,
  });

  function readEvent(response: GeminiGenerateContentResponse, raw: unknown): ChatStreamItem[] {
    responseId ??= response.responseId;
    if (!completionId) {
      completionId = `chatcmpl-${responseId ?? fallbackResponseId}`;
      created = Math.floor(Date.now() / 1000);
    }
    if (response.usageMetadata) usage = readGeminiUsage(response.usageMetadata);
    const choices: ChatCompletionChunkChoice[] = [];
    let hasContent = false;
    const received = response.candidates ?? [];
    if (received.length === 0 && response.promptFeedback?.blockReason && !blocked) {
      blocked = true;
      choices.push({
        index: 0,
        delta: { role: "assistant", content: null, refusal: describeBlockedPrompt(response.promptFeedback) },
        finish_reason: "content_filter",
        native_finish_reason: response.promptFeedback.blockReason,
      });
    }
    for (const [position, candidate] of received.entries()) {
      const index = candidate.index ?? position;
      let state = candidates.get(index);
      if (!state)
        candidates.set(index, (state = { ...createCandidateState(index), sentRole: false, finished: false }));
      const parts = readGeminiParts(candidate.content?.parts ?? [], state, responseId ?? fallbackResponseId);
      let finishReason: string | null = null;
      if (candidate.finishReason) {
        const mapped = mapGeminiFinishReason(candidate.finishReason, state.toolCallCount > 0);
        if (mapped === "error")
          return [{ type: "error", error: failedGenerationError(provider, candidate, raw) }];
        finishReason = mapped;
        state.finished = true;
      }
      const delta: ChatCompletionChunkChoice["delta"] = {};
      if (parts.content) delta.content = parts.content;
      if (parts.reasoning) delta.reasoning_content = parts.reasoning;
      if (parts.reasoningDetails.length > 0) delta.reasoning_details = parts.reasoningDetails;
      if (parts.toolCalls.length > 0) delta.tool_calls = parts.toolCalls;
      const carriesSomething = Object.keys(delta).length > 0;
      if (!carriesSomething && finishReason === null && state.sentRole) continue;
      if (!state.sentRole) {
        state.sentRole = true;
        delta.role = "assistant";
      }
      hasContent ||= Boolean(parts.content || parts.reasoning || parts.toolCalls.length > 0);
      const choice: ChatCompletionChunkChoice = { index, delta, finish_reason: finishReason };
      if (candidate.finishReason) choice.native_finish_reason = candidate.finishReason;
      choices.push(choice);
    }
    if (choices.length === 0) return [];
    return [{ type: "chunk", data: JSON.stringify(toChunk(choices)), hasContent }];
  }

  return {
    get completionId() {
      return completionId;
    },
    get created() {
      return created;
    },
    push(event: SseEvent): ChatStreamItem[] {
      // Gemini sends no [DONE]; a proxy in between might.
      if (event.data === "[DONE]") return [];
      let parsed: unknown;
      try {
        parsed = JSON.parse(event.data);
      } catch {
        return [reportMalformedStreamEvent(provider, event.data)];
      }
      const response = (Array.isArray(parsed) ? parsed[0] : parsed) as GeminiGenerateContentResponse | null;
      if (typeof response !== "object" || response === null) return [];
      if (response.error) {
        return [
          { type: "error", error: toGeminiUpstreamError(provider, response.error.code ?? 500, parsed, {}) },
        ];
      }
      return readEvent(response, parsed);
    },
    end(): ChatStreamItem[] {
      const states = [...candidates.values()];
      const complete = blocked || (states.length > 0 && states.every((state) => state.finished));
      if (!complete) return [reportStreamEndedEarly(provider)];
      return usage ? [{ type: "usage", usage }] : [];
    },
  };
}
