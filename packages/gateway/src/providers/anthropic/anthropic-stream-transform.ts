import type { ChatCompletionChunkChoice, SseEvent } from "@aigateway/protocol";
import type { ChatStreamItem, ChatStreamTransform, ChatTarget } from "../provider-adapter.ts";
import type { AnthropicUsage } from "./anthropic-wire-types.ts";
import { anthropicReasoningFormat } from "./anthropic-reasoning-format.ts";
import { mergeAnthropicUsage, readAnthropicUsage } from "./read-anthropic-usage.ts";
import { toAnthropicUpstreamError } from "./to-anthropic-upstream-error.ts";
import { toFinishReason } from "./to-finish-reason.ts";
import { readString } from "./read-string.ts";
import { reportMalformedStreamEvent, reportStreamEndedEarly } from "../stream-failure-items.ts";

type Delta = ChatCompletionChunkChoice["delta"];

/** What an open content block becomes on our side; keyed by Anthropic's block index. */
type BlockState =
  | { kind: "text" }
  | { kind: "thinking"; reasoningIndex: number }
  | { kind: "tool"; toolIndex: number; sawArguments: boolean }
  | { kind: "json"; sawArguments: boolean }
  | { kind: "ignored" };

interface StreamEvent {
  type?: string;
  index?: number;
  message?: { id?: string; usage?: AnthropicUsage };
  content_block?: Record<string, unknown>;
  delta?: Record<string, unknown>;
  usage?: AnthropicUsage;
}

/**
 * Anthropic's Messages event stream as OpenAI chat.completion.chunk items. Tool calls are numbered
 * 0, 1, … in the order their blocks start (stable across their argument deltas); thinking streams
 * as `reasoning_content` plus `reasoning_details` pieces (text, then the signature) under one index
 * per thinking block; an `error` event becomes an error item; a stream without `message_stop` is
 * reported as truncated. When `jsonToolName` is set the request was in JSON mode and that tool's
 * argument deltas are the content.
 */
export function createAnthropicStreamTransform(
  provider: string,
  target: ChatTarget,
  jsonToolName: string | undefined,
): ChatStreamTransform {
  let completionId = "";
  let created = 0;
  let usage: AnthropicUsage | undefined;
  let sawStop = false;
  let toolCount = 0;
  let reasoningCount = 0;
  let answeredInJson = false;
  const blocks = new Map<number, BlockState>();

  const chunk = (delta: Delta, hasContent = true, finishReason: string | null = null): ChatStreamItem => ({
    type: "chunk",
    data: JSON.stringify({
      id: completionId,
      object: "chat.completion.chunk",
      created,
      model: target.slug,
      choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
    }),
    hasContent,
  });
  const usageItems = (): ChatStreamItem[] =>
    usage ? [{ type: "usage", usage: readAnthropicUsage(usage) }] : [];
  const reasoningText = (index: number, text: string, signature?: string): Delta => ({
    ...(text ? { reasoning_content: text } : {}),
    reasoning_details: [
      {
        type: "reasoning.text",
        text,
        ...(signature === undefined ? {} : { signature }),
        format: anthropicReasoningFormat,
        index,
      },
    ],
  });

  function startBlock(index: number, block: Record<string, unknown>): ChatStreamItem[] {
    switch (block.type) {
      case "text": {
        blocks.set(index, { kind: "text" });
        return typeof block.text === "string" && block.text ? [chunk({ content: block.text })] : [];
      }
      case "thinking": {
        const reasoningIndex = reasoningCount++;
        blocks.set(index, { kind: "thinking", reasoningIndex });
        const text = typeof block.thinking === "string" ? block.thinking : "";
        const signature =
          typeof block.signature === "string" && block.signature ? block.signature : undefined;
        return text || signature ? [chunk(reasoningText(reasoningIndex, text, signature))] : [];
      }
      case "redacted_thinking": {
        const reasoningIndex = reasoningCount++;
        blocks.set(index, { kind: "ignored" });
        const detail = {
          type: "reasoning.encrypted" as const,
          data: readString(block.data),
          format: anthropicReasoningFormat,
          index: reasoningIndex,
        };
        return [chunk({ reasoning_details: [detail] })];
      }
      case "tool_use": {
        const input = block.input;
        const hasInput = typeof input === "object" && input !== null && Object.keys(input).length > 0;
        if (jsonToolName !== undefined && block.name === jsonToolName) {
          answeredInJson = true;
          blocks.set(index, { kind: "json", sawArguments: hasInput });
          return hasInput ? [chunk({ content: JSON.stringify(input) })] : [];
        }
        const toolIndex = toolCount++;
        blocks.set(index, { kind: "tool", toolIndex, sawArguments: hasInput });
        const call = {
          index: toolIndex,
          id: readString(block.id),
          type: "function" as const,
          function: { name: readString(block.name), arguments: hasInput ? JSON.stringify(input) : "" },
        };
        return [chunk({ tool_calls: [call] })];
      }
      default:
        // Server-tool blocks (web search…) have no OpenAI counterpart.
        blocks.set(index, { kind: "ignored" });
        return [];
    }
  }

  function continueBlock(index: number, delta: Record<string, unknown>): ChatStreamItem[] {
    const state = blocks.get(index);
    if (!state) return [];
    switch (delta.type) {
      case "text_delta":
        return typeof delta.text === "string" && delta.text ? [chunk({ content: delta.text })] : [];
      case "thinking_delta":
        if (state.kind !== "thinking" || typeof delta.thinking !== "string" || !delta.thinking) return [];
        return [chunk(reasoningText(state.reasoningIndex, delta.thinking))];
      case "signature_delta":
        if (state.kind !== "thinking" || typeof delta.signature !== "string") return [];
        return [chunk(reasoningText(state.reasoningIndex, "", delta.signature))];
      case "input_json_delta": {
        const partial = typeof delta.partial_json === "string" ? delta.partial_json : "";
        if (!partial) return [];
        if (state.kind === "json") {
          state.sawArguments = true;
          return [chunk({ content: partial })];
        }
        if (state.kind !== "tool") return [];
        state.sawArguments = true;
        return [chunk({ tool_calls: [{ index: state.toolIndex, function: { arguments: partial } }] })];
      }
      default:
        return [];
    }
  }

  function stopBlock(index: number): ChatStreamItem[] {
    const state = blocks.get(index);
    blocks.delete(index);
    // A tool called without arguments streams none; OpenAI clients expect a JSON object.
    if (state?.kind === "tool" && !state.sawArguments) {
      return [chunk({ tool_calls: [{ index: state.toolIndex, function: { arguments: "{}" } }] })];
    }
    if (state?.kind === "json" && !state.sawArguments) return [chunk({ content: "{}" })];
    return [];
  }

  function finish(stopReason: unknown): ChatStreamItem[] {
    let finishReason = toFinishReason(typeof stopReason === "string" ? stopReason : null);
    if (finishReason === "tool_calls" && answeredInJson && toolCount === 0) finishReason = "stop";
    return [chunk({}, false, finishReason)];
  }

  return {
    get completionId() {
      return completionId;
    },
    get created() {
      return created;
    },
    push(event: SseEvent): ChatStreamItem[] {
      // Not Anthropic's, but some Anthropic-compatible servers end with OpenAI's terminator.
      if (event.data === "[DONE]") return [];
      let parsed: StreamEvent;
      try {
        parsed = JSON.parse(event.data) as StreamEvent;
      } catch {
        return [...usageItems(), reportMalformedStreamEvent(provider, event.data)];
      }
      switch (parsed.type ?? event.event) {
        case "message_start":
          completionId = parsed.message?.id ?? "";
          created = Math.floor(Date.now() / 1000);
          usage = mergeAnthropicUsage(usage, parsed.message?.usage);
          return [chunk({ role: "assistant", content: "" }, false)];
        case "content_block_start":
          return startBlock(parsed.index ?? 0, parsed.content_block ?? {});
        case "content_block_delta":
          return continueBlock(parsed.index ?? 0, parsed.delta ?? {});
        case "content_block_stop":
          return stopBlock(parsed.index ?? 0);
        case "message_delta":
          usage = mergeAnthropicUsage(usage, parsed.usage);
          return parsed.delta?.stop_reason === undefined ? [] : finish(parsed.delta.stop_reason);
        case "message_stop":
          sawStop = true;
          return usageItems();
        case "error":
          return [
            ...usageItems(),
            { type: "error", error: toAnthropicUpstreamError(provider, null, parsed, {}) },
          ];
        case undefined:
        default:
          // ping, and event types added after this was written.
          return [];
      }
    },
    end(): ChatStreamItem[] {
      if (sawStop) return [];
      return [...usageItems(), reportStreamEndedEarly(provider, "message_stop")];
    },
  };
}
