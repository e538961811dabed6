import type { ChatCompletion, ChatMessage, ReasoningDetail, ToolCall } from "@aigateway/protocol";
import type { TokenUsage } from "../../usage/token-usage.ts";
import type { AnthropicResponse } from "./anthropic-wire-types.ts";
import { anthropicReasoningFormat } from "./anthropic-reasoning-format.ts";
import { toOpenAiUsage } from "../openai-compatible/read-openai-usage.ts";
import { readAnthropicUsage } from "./read-anthropic-usage.ts";
import { toFinishReason } from "./to-finish-reason.ts";
import { readString } from "./read-string.ts";

export interface TranslatedResponse {
  completion: ChatCompletion;
  usage: TokenUsage;
}

/**
 * An Anthropic message as an OpenAI chat completion. Text blocks join into `content`, tool_use blocks
 * become `tool_calls`, thinking becomes `reasoning_content` plus `reasoning_details` (with the
 * signature, and redacted thinking as encrypted data) for the client to send back next turn. When
 * `jsonToolName` is set the request was in JSON mode and that tool's input is the answer's content.
 */
export function fromAnthropicResponse(
  response: AnthropicResponse,
  slug: string,
  jsonToolName: string | undefined,
  created: number = Math.floor(Date.now() / 1000),
): TranslatedResponse {
  const texts: string[] = [];
  const thoughts: string[] = [];
  const details: ReasoningDetail[] = [];
  const toolCalls: ToolCall[] = [];
  let answeredInJson = false;
  for (const block of response.content) {
    const fields = block as Record<string, unknown>;
    switch (block.type) {
      case "text":
        texts.push(readString(fields.text));
        break;
      case "thinking":
        thoughts.push(readString(fields.thinking));
        details.push({
          type: "reasoning.text",
          text: readString(fields.thinking),
          signature: typeof fields.signature === "string" ? fields.signature : null,
          format: anthropicReasoningFormat,
          index: details.length,
        });
        break;
      case "redacted_thinking":
        details.push({
          type: "reasoning.encrypted",
          data: readString(fields.data),
          format: anthropicReasoningFormat,
          index: details.length,
        });
        break;
      case "tool_use":
        if (jsonToolName !== undefined && fields.name === jsonToolName) {
          texts.push(JSON.stringify(fields.input ?? {}));
          answeredInJson = true;
        } else {
          toolCalls.push({
            id: readString(fields.id),
            type: "function",
            function: { name: readString(fields.name), arguments: JSON.stringify(fields.input ?? {}) },
          });
        }
        break;
      default:
        // Server-tool blocks (web search results…) have no OpenAI counterpart.
        break;
    }
  }
  const message: ChatMessage = {
    role: "assistant",
    content: texts.length > 0 ? texts.join("") : toolCalls.length > 0 ? null : "",
    refusal: null,
  };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (thoughts.length > 0) message.reasoning_content = thoughts.join("\n\n");
  if (details.length > 0) message.reasoning_details = details;

  let finishReason = toFinishReason(response.stop_reason);
  if (finishReason === "tool_calls" && answeredInJson && toolCalls.length === 0) finishReason = "stop";
  const usage = readAnthropicUsage(response.usage);
  return {
    completion: {
      id: response.id,
      object: "chat.completion",
      created,
      model: slug,
      choices: [{ index: 0, message, finish_reason: finishReason, logprobs: null }],
      usage: toOpenAiUsage(usage),
    },
    usage,
  };
}
