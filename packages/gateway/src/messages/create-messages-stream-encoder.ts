import type { ChatCompletionChunk, ReasoningDetail, Usage } from "@aigateway/protocol";
import type { MessagesStreamEvent } from "./anthropic-messages-types.ts";
import { toMessagesUsage } from "./to-messages-usage.ts";
import { toStopReason } from "./to-stop-reason.ts";

export interface MessagesStreamEncoder {
  /** `message_start`; input tokens are an estimate here, the exact count comes in `message_delta`. */
  start(estimatedInputTokens: number): MessagesStreamEvent;
  /** The events one chat.completion.chunk adds (none for a role-only or usage-only chunk). */
  push(chunk: ChatCompletionChunk): MessagesStreamEvent[];
  /** Closes the open block, then `message_delta` (stop_reason, usage) and `message_stop`. */
  finish(usage: Usage | null | undefined): MessagesStreamEvent[];
}

interface ToolSlot {
  id: string;
  name: string;
  /** Arguments that arrived before the tool's name (the block cannot start without it). */
  pendingArguments: string;
  blockIndex: number | undefined;
}

type BlockKind = "text" | "thinking" | "tool_use";

const event = (type: string, data: Record<string, unknown>): MessagesStreamEvent => ({
  event: type,
  data: { type, ...data },
});

/**
 * Turns the hub's chat.completion.chunk stream into Anthropic's Messages event sequence: message_start,
 * then per content block content_block_start / content_block_delta (text_delta, thinking_delta,
 * signature_delta, input_json_delta) / content_block_stop, then message_delta and message_stop.
 * Blocks are opened in the order their content arrives and each is closed before the next opens.
 */
export function createMessagesStreamEncoder(options: { id: string; model: string }): MessagesStreamEncoder {
  let nextIndex = 0;
  let open: { kind: BlockKind; index: number; detailIndex?: number | undefined } | undefined;
  let finishReason: string | null = null;
  let lastUsage: Usage | null | undefined;
  let madeToolCalls = false;
  /** The latest thinking block, for a signature that arrives after the text has started. */
  let lastThinkingIndex: number | undefined;
  const tools = new Map<number, ToolSlot>();

  function closeOpen(events: MessagesStreamEvent[]): void {
    if (!open) return;
    events.push(event("content_block_stop", { index: open.index }));
    open = undefined;
  }

  function startBlock(
    events: MessagesStreamEvent[],
    kind: BlockKind,
    block: Record<string, unknown>,
    detailIndex?: number,
  ): number {
    closeOpen(events);
    const index = nextIndex++;
    events.push(event("content_block_start", { index, content_block: block }));
    open = { kind, index, detailIndex };
    return index;
  }

  function ensureThinking(events: MessagesStreamEvent[], detailIndex: number | undefined): number {
    const sameBlock =
      open?.kind === "thinking" &&
      (detailIndex === undefined || open.detailIndex === undefined || open.detailIndex === detailIndex);
    if (open && sameBlock) {
      if (detailIndex !== undefined) open.detailIndex = detailIndex;
      return open.index;
    }
    lastThinkingIndex = startBlock(
      events,
      "thinking",
      { type: "thinking", thinking: "", signature: "" },
      detailIndex,
    );
    return lastThinkingIndex;
  }

  function pushReasoning(
    events: MessagesStreamEvent[],
    delta: ChatCompletionChunk["choices"][number]["delta"],
  ): void {
    const details: ReasoningDetail[] = Array.isArray(delta.reasoning_details) ? delta.reasoning_details : [];
    let signature: string | undefined;
    let detailIndex: number | undefined;
    let detailText = "";
    for (const detail of details) {
      if (detail.type === "reasoning.encrypted") {
        startBlock(events, "thinking", { type: "redacted_thinking", data: detail.data });
        closeOpen(events);
        continue;
      }
      if (detail.type !== "reasoning.text") continue;
      detailIndex = detail.index ?? detailIndex;
      detailText += detail.text ?? "";
      if (detail.signature) signature = detail.signature;
    }
    const text = typeof delta.reasoning_content === "string" ? delta.reasoning_content : detailText;
    if (text) {
      const index = ensureThinking(events, detailIndex);
      events.push(event("content_block_delta", { index, delta: { type: "thinking_delta", thinking: text } }));
    }
    if (signature) {
      // Blocks cannot reopen, but clients apply a delta by index: a late signature joins its block.
      const index =
        open?.kind !== "thinking" && lastThinkingIndex !== undefined
          ? lastThinkingIndex
          : ensureThinking(events, detailIndex);
      events.push(event("content_block_delta", { index, delta: { type: "signature_delta", signature } }));
    }
  }

  function startTool(events: MessagesStreamEvent[], slot: ToolSlot): void {
    slot.blockIndex = startBlock(events, "tool_use", {
      type: "tool_use",
      id: slot.id,
      name: slot.name,
      input: {},
    });
    madeToolCalls = true;
    if (slot.pendingArguments) {
      events.push(
        event("content_block_delta", {
          index: slot.blockIndex,
          delta: { type: "input_json_delta", partial_json: slot.pendingArguments },
        }),
      );
      slot.pendingArguments = "";
    }
  }

  function pushToolCalls(
    events: MessagesStreamEvent[],
    calls: NonNullable<ChatCompletionChunk["choices"][number]["delta"]["tool_calls"]>,
  ): void {
    for (const call of calls) {
      const position = typeof call.index === "number" ? call.index : 0;
      let slot = tools.get(position);
      if (!slot) {
        slot = { id: "", name: "", pendingArguments: "", blockIndex: undefined };
        tools.set(position, slot);
      }
      if (call.id && !slot.id) slot.id = call.id;
      if (call.function?.name && !slot.name) slot.name = call.function.name;
      if (!slot.id) slot.id = `toolu_${options.id.replace(/^msg_/, "")}_${position}`;
      const argumentsText = call.function?.arguments ?? "";
      if (slot.blockIndex === undefined) {
        slot.pendingArguments += argumentsText;
        if (slot.name) startTool(events, slot);
        continue;
      }
      if (argumentsText) {
        events.push(
          event("content_block_delta", {
            index: slot.blockIndex,
            delta: { type: "input_json_delta", partial_json: argumentsText },
          }),
        );
      }
    }
  }

  return {
    start(estimatedInputTokens) {
      return event("message_start", {
        message: {
          id: options.id,
          type: "message",
          role: "assistant",
          model: options.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: {
            input_tokens: estimatedInputTokens,
            output_tokens: 0,
            cache_creation_input_tokens: 0,
            cache_read_input_tokens: 0,
          },
        },
      });
    },
    push(chunk) {
      if (chunk.usage) lastUsage = chunk.usage;
      const choices = Array.isArray(chunk.choices) ? chunk.choices : [];
      const choice = choices.find((candidate) => candidate.index === 0) ?? choices[0];
      if (!choice) return [];
      const events: MessagesStreamEvent[] = [];
      const delta = choice.delta ?? {};
      pushReasoning(events, delta);
      if (typeof delta.content === "string" && delta.content) {
        const index =
          open?.kind === "text" ? open.index : startBlock(events, "text", { type: "text", text: "" });
        events.push(
          event("content_block_delta", { index, delta: { type: "text_delta", text: delta.content } }),
        );
      }
      if (Array.isArray(delta.tool_calls)) pushToolCalls(events, delta.tool_calls);
      if (choice.finish_reason) finishReason = choice.finish_reason;
      return events;
    },
    finish(usage) {
      const events: MessagesStreamEvent[] = [];
      // A tool whose name never came still has to appear, or its arguments would be lost.
      for (const slot of tools.values()) if (slot.blockIndex === undefined) startTool(events, slot);
      if (nextIndex === 0) startBlock(events, "text", { type: "text", text: "" });
      closeOpen(events);
      events.push(
        event("message_delta", {
          delta: { stop_reason: toStopReason(finishReason, madeToolCalls), stop_sequence: null },
          usage: toMessagesUsage(usage ?? lastUsage),
        }),
      );
      events.push(event("message_stop", {}));
      return events;
    },
  };
}
