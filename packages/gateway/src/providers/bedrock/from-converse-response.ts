import { randomUUID } from "node:crypto";
import type { ChatCompletion, ChatMessage, ReasoningDetail, ToolCall } from "@aigateway/protocol";
import type { ChatResult, ChatTarget } from "../provider-adapter.ts";
import type { ConverseResponse } from "./converse-types.ts";
import { pickReasoningFormat } from "./reasoning-format.ts";
import { readConverseUsage } from "./read-converse-usage.ts";
import { toFinishReason } from "./to-finish-reason.ts";
import { createUnreadableResponseError } from "../create-unreadable-response-error.ts";

/**
 * A Converse response as an OpenAI chat completion. Reasoning text goes to `reasoning_content`; each
 * reasoning block (with its signature) or redacted block also goes to `reasoning_details`, indexed by
 * its position in the content, so the client can send it back on the next turn.
 */
export function fromConverseResponse(provider: string, body: unknown, target: ChatTarget): ChatResult {
  const response = body as ConverseResponse;
  const content = response?.output?.message?.content;
  if (typeof response !== "object" || response === null || !Array.isArray(content)) {
    throw createUnreadableResponseError(provider, body);
  }
  const format = pickReasoningFormat(target.upstreamModel);
  let text = "";
  let reasoning = "";
  const details: ReasoningDetail[] = [];
  const toolCalls: ToolCall[] = [];
  content.forEach((block, index) => {
    if (typeof block.text === "string") text += block.text;
    const reasoningBlock = block.reasoningContent;
    if (reasoningBlock?.reasoningText) {
      const { text: thought, signature } = reasoningBlock.reasoningText;
      reasoning += thought ?? "";
      details.push({
        type: "reasoning.text",
        text: thought ?? "",
        signature: signature ?? null,
        format,
        index,
      });
    } else if (typeof reasoningBlock?.redactedContent === "string") {
      details.push({ type: "reasoning.encrypted", data: reasoningBlock.redactedContent, format, index });
    }
    if (block.toolUse) {
      toolCalls.push({
        id: block.toolUse.toolUseId,
        type: "function",
        function: { name: block.toolUse.name, arguments: JSON.stringify(block.toolUse.input ?? {}) },
      });
    }
  });
  const message: ChatMessage = { role: "assistant", content: text || (toolCalls.length > 0 ? null : "") };
  if (reasoning) message.reasoning_content = reasoning;
  if (details.length > 0) message.reasoning_details = details;
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  const completion: ChatCompletion = {
    id: `chatcmpl-${randomUUID()}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: target.slug,
    choices: [{ index: 0, message, finish_reason: toFinishReason(response.stopReason), logprobs: null }],
  };
  return { completion, usage: readConverseUsage(response.usage), unchangedFromUpstream: false };
}
