import type { ChatCompletionChunkChoice, SseEvent } from "@aigateway/protocol";
import { UpstreamError } from "@aigateway/protocol";
import type { ChatStreamItem, ChatStreamTransform, ChatTarget } from "../provider-adapter.ts";
import type { CohereUsage } from "./cohere-wire.ts";
import { mapCohereFinishReason } from "./map-cohere-finish-reason.ts";
import { readCohereUsage } from "./read-cohere-usage.ts";
import { reportMalformedStreamEvent, reportStreamEndedEarly } from "../stream-failure-items.ts";

type Delta = ChatCompletionChunkChoice["delta"];

interface CohereStreamEvent {
  type?: string;
  id?: string;
  index?: number;
  message?: unknown;
  delta?: {
    message?: {
      content?: { text?: string; thinking?: string };
      tool_plan?: string;
      tool_calls?: { id?: string; function?: { name?: string; arguments?: string | null } };
      citations?: unknown;
    };
    finish_reason?: string;
    error?: string | null;
    usage?: CohereUsage;
  };
}

interface ToolCallSlot {
  index: number;
  /**
   * Arguments held back while they could still be Cohere's `null` for a call without parameters,
   * which must reach the client as "{}" (a streamed fragment cannot be taken back).
   */
  heldArguments: string;
  released: boolean;
}

const couldBeNull = (text: string): boolean => "null".startsWith(text.trim());

function streamError(provider: string, message: string, upstreamBody?: unknown): ChatStreamItem {
  return {
    type: "error",
    error: new UpstreamError("provider_error", {
      provider,
      upstreamStatus: null,
      upstreamBody,
      message,
    }),
  };
}

/**
 * Cohere v2 chat stream events (message-start, content-*, tool-plan-delta, tool-call-*, citation-*,
 * message-end) as OpenAI chunks. Thinking becomes `reasoning_content`, the tool plan becomes content,
 * tool calls get stable 0-based indexes, citations ride on `delta.citations`, and an error (an
 * error event, or message-end with finish_reason ERROR) becomes an error item.
 */
export function createCohereStreamTransform(provider: string, target: ChatTarget): ChatStreamTransform {
  let completionId = "";
  const created = Math.floor(Date.now() / 1000);
  let finished = false;
  const toolSlots = new Map<number, ToolCallSlot>();
  let lastToolSlot: ToolCallSlot | undefined;

  function chunk(delta: Delta, hasContent: boolean, finishReason: string | null = null): ChatStreamItem {
    return {
      type: "chunk",
      data: JSON.stringify({
        id: completionId,
        object: "chat.completion.chunk",
        created,
        model: target.slug,
        choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
      }),
      hasContent,
    };
  }

  function toolArguments(slot: ToolCallSlot, fragment: string): string | undefined {
    if (slot.released) return fragment || undefined;
    slot.heldArguments += fragment;
    if (couldBeNull(slot.heldArguments)) return undefined;
    slot.released = true;
    return slot.heldArguments;
  }

  function toolCallDelta(slot: ToolCallSlot, fields: Record<string, unknown>): ChatStreamItem {
    return chunk({ tool_calls: [{ index: slot.index, ...fields }] }, true);
  }

  function handle(event: CohereStreamEvent & { type: string }): ChatStreamItem[] {
    const message = event.delta?.message;
    switch (event.type) {
      case "message-start":
        completionId = event.id ?? completionId;
        return [chunk({ role: "assistant", content: "" }, false)];
      case "content-delta": {
        const content = message?.content;
        if (typeof content?.thinking === "string") {
          return [chunk({ reasoning_content: content.thinking }, true)];
        }
        return typeof content?.text === "string" ? [chunk({ content: content.text }, true)] : [];
      }
      case "tool-plan-delta":
        return typeof message?.tool_plan === "string" ? [chunk({ content: message.tool_plan }, true)] : [];
      case "tool-call-start": {
        const call = message?.tool_calls;
        const slot: ToolCallSlot = { index: toolSlots.size, heldArguments: "", released: false };
        toolSlots.set(event.index ?? slot.index, slot);
        lastToolSlot = slot;
        const initial = toolArguments(slot, call?.function?.arguments ?? "");
        return [
          toolCallDelta(slot, {
            id: call?.id ?? "",
            type: "function",
            function: { name: call?.function?.name ?? "", arguments: initial ?? "" },
          }),
        ];
      }
      case "tool-call-delta": {
        const slot = (event.index === undefined ? undefined : toolSlots.get(event.index)) ?? lastToolSlot;
        const fragment = slot && toolArguments(slot, message?.tool_calls?.function?.arguments ?? "");
        return slot && fragment ? [toolCallDelta(slot, { function: { arguments: fragment } })] : [];
      }
      case "tool-call-end": {
        const slot = (event.index === undefined ? undefined : toolSlots.get(event.index)) ?? lastToolSlot;
        if (!slot || slot.released) return [];
        slot.released = true;
        return [toolCallDelta(slot, { function: { arguments: "{}" } })];
      }
      case "citation-start":
        return message?.citations ? [chunk({ citations: [message.citations] }, false)] : [];
      case "message-end": {
        finished = true;
        const reason = event.delta?.finish_reason;
        if (reason === "ERROR" || event.delta?.error) {
          return [
            streamError(
              provider,
              `Provider ${provider} failed mid-stream: ${event.delta?.error ?? "finish_reason ERROR"}`,
              event,
            ),
          ];
        }
        return [
          chunk({}, false, mapCohereFinishReason(reason)),
          { type: "usage", usage: readCohereUsage(event.delta?.usage) },
        ];
      }
      default:
        // content-start/end, citation-end, tool-call-end of a released call, and event types added later.
        return [];
    }
  }

  return {
    get completionId() {
      return completionId;
    },
    get created() {
      return created;
    },
    push(event: SseEvent): ChatStreamItem[] {
      if (event.data === "[DONE]") return [];
      let parsed: CohereStreamEvent | null = null;
      try {
        parsed = JSON.parse(event.data) as CohereStreamEvent | null;
      } catch {
        // Reported below.
      }
      if (typeof parsed !== "object" || parsed === null) {
        return [reportMalformedStreamEvent(provider, event.data)];
      }
      // An event without a type is an error body (`{"message": …}`) sent in the stream.
      if (event.event === "error" || parsed.type === "error" || parsed.type === undefined) {
        const detail = typeof parsed.message === "string" ? parsed.message : "unknown error";
        return [streamError(provider, `Provider ${provider} failed mid-stream: ${detail}`, parsed)];
      }
      return handle(parsed as CohereStreamEvent & { type: string });
    },
    end(): ChatStreamItem[] {
      return finished ? [] : [reportStreamEndedEarly(provider)];
    },
  };
}
