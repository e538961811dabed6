import type { ChatCompletion, ChatMessage, ReasoningDetail } from "@aigateway/protocol";
import type { OutboundContentBlock, OutboundMessage } from "./anthropic-messages-types.ts";
import { toMessagesUsage } from "./to-messages-usage.ts";
import { toStopReason } from "./to-stop-reason.ts";

/** Tool arguments as the object Anthropic's `input` must be; a vendor's unparsable string is kept whole. */
export function parseToolInput(text: string): unknown {
  if (text.trim() === "") return {};
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? value : { value };
  } catch {
    return { arguments: text };
  }
}

function readText(content: ChatMessage["content"]): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((part) => (part.type === "text" && typeof part.text === "string" ? part.text : ""))
    .join("");
}

/**
 * Reasoning as thinking blocks: one per reasoning_details index (text joined, last signature kept), so
 * a vendor signature survives the next turn; plain reasoning_content has no signature.
 */
function toThinkingBlocks(message: ChatMessage): OutboundContentBlock[] {
  const details = Array.isArray(message.reasoning_details) ? message.reasoning_details : [];
  const blocks: OutboundContentBlock[] = [];
  const byIndex = new Map<number, { type: "thinking"; thinking: string; signature: string }>();
  details.forEach((detail: ReasoningDetail, position) => {
    if (detail.type === "reasoning.encrypted") {
      blocks.push({ type: "redacted_thinking", data: detail.data });
      return;
    }
    if (detail.type !== "reasoning.text") return;
    const index = detail.index ?? position;
    let block = byIndex.get(index);
    if (!block) {
      block = { type: "thinking", thinking: "", signature: "" };
      byIndex.set(index, block);
      blocks.push(block);
    }
    block.thinking += detail.text ?? "";
    if (detail.signature) block.signature = detail.signature;
  });
  const reasoning = typeof message.reasoning_content === "string" ? message.reasoning_content : "";
  if (byIndex.size === 0 && reasoning)
    blocks.unshift({ type: "thinking", thinking: reasoning, signature: "" });
  return blocks;
}

/** A chat completion (the hub's answer) as an Anthropic Message. `model` is the name the client sent. */
export function toAnthropicMessage(completion: ChatCompletion, model: string, id: string): OutboundMessage {
  const choice = completion.choices[0];
  const message: ChatMessage = choice?.message ?? { role: "assistant", content: "" };
  const content = toThinkingBlocks(message);
  const text = readText(message.content);
  if (text) content.push({ type: "text", text });
  const toolCalls = Array.isArray(message.tool_calls) ? message.tool_calls : [];
  for (const call of toolCalls) {
    content.push({
      type: "tool_use",
      id: call.id,
      name: call.function.name,
      input: parseToolInput(call.function.arguments),
    });
  }
  // Clients read content[0].text; an empty answer still has its (empty) text block.
  if (!content.some((block) => block.type === "text" || block.type === "tool_use")) {
    content.push({ type: "text", text: "" });
  }
  return {
    id,
    type: "message",
    role: "assistant",
    model,
    content,
    stop_reason: toStopReason(choice?.finish_reason, toolCalls.length > 0),
    stop_sequence: null,
    usage: toMessagesUsage(completion.usage),
  };
}
