import type { ChatMessage } from "@aigateway/protocol";
import { GatewayError } from "@aigateway/protocol";
import type {
  AnthropicContentBlock,
  AnthropicMessage,
  AnthropicOtherBlock,
  AnthropicTextBlock,
  AnthropicToolUseBlock,
} from "./anthropic-wire-types.ts";
import { parseToolCallArguments } from "../parse-tool-call-arguments.ts";
import { copyCacheControl, toAnthropicBlocks } from "./to-anthropic-content.ts";
import { toAnthropicReasoningBlocks } from "./to-anthropic-reasoning-blocks.ts";

type Block = AnthropicContentBlock | AnthropicOtherBlock;

export interface AnthropicConversation {
  system: AnthropicTextBlock[];
  messages: AnthropicMessage[];
}

/** A message-level cache_control marks the end of that message: Anthropic puts it on the last block. */
function markLastBlock(blocks: Block[], message: ChatMessage): Block[] {
  const last = blocks.at(-1);
  if (message.cache_control === undefined || !last) return blocks;
  return [...blocks.slice(0, -1), copyCacheControl(last, message)];
}

function toAssistantBlocks(message: ChatMessage, param: string): Block[] {
  const blocks: Block[] = [...toAnthropicReasoningBlocks(message.reasoning_details)];
  for (const block of toAnthropicBlocks(message.content, `${param}.content`)) {
    // Anthropic rejects empty text blocks; clients often send "" beside tool calls.
    if (block.type === "text" && (block as AnthropicTextBlock).text === "") continue;
    blocks.push(block);
  }
  (message.tool_calls ?? []).forEach((call, index) => {
    const toolUse: AnthropicToolUseBlock = {
      type: "tool_use",
      id: call.id,
      name: call.function.name,
      input: parseToolCallArguments(
        call.function.arguments,
        `${param}.tool_calls[${index}].function.arguments`,
        "Anthropic",
      ),
    };
    blocks.push(copyCacheControl(toolUse, call as unknown as Record<string, unknown>));
  });
  return blocks;
}

function toToolResultBlock(message: ChatMessage, param: string): Block {
  if (!message.tool_call_id) {
    throw new GatewayError("invalid_request", {
      param: `${param}.tool_call_id`,
      message: `${param}.tool_call_id is required on tool messages.`,
    });
  }
  const content =
    typeof message.content === "string"
      ? message.content
      : (toAnthropicBlocks(message.content, `${param}.content`) as AnthropicContentBlock[]);
  return copyCacheControl({ type: "tool_result", tool_use_id: message.tool_call_id, content }, message);
}

/**
 * OpenAI's message list as Anthropic's `system` plus alternating user/assistant turns: system and
 * developer messages become system blocks, tool results join the user turn that follows the tool
 * calls, and consecutive messages of one role are merged into one turn (Anthropic wants turns to
 * alternate). A plain-string message stays a string unless it has to be merged.
 */
export function toAnthropicConversation(messages: readonly ChatMessage[]): AnthropicConversation {
  const system: AnthropicTextBlock[] = [];
  const turns: AnthropicMessage[] = [];

  const append = (role: "user" | "assistant", content: string | Block[]): void => {
    const previous = turns.at(-1);
    if (previous?.role !== role) {
      turns.push({ role, content });
      return;
    }
    const asBlocks = (value: string | Block[]): Block[] =>
      typeof value === "string" ? [{ type: "text", text: value }] : value;
    previous.content = [...asBlocks(previous.content), ...asBlocks(content)];
  };

  messages.forEach((message, index) => {
    const param = `messages[${index}]`;
    switch (message.role) {
      case "system":
      case "developer":
        for (const block of markLastBlock(toAnthropicBlocks(message.content, `${param}.content`), message)) {
          if (block.type !== "text") {
            throw new GatewayError("invalid_request", {
              param: `${param}.content`,
              message: `${param}: system messages may only hold text for Anthropic models.`,
            });
          }
          system.push(block as AnthropicTextBlock);
        }
        return;
      case "user":
        if (typeof message.content === "string" && message.cache_control === undefined) {
          append("user", message.content);
        } else {
          append("user", markLastBlock(toAnthropicBlocks(message.content, `${param}.content`), message));
        }
        return;
      case "assistant": {
        const blocks = markLastBlock(toAssistantBlocks(message, param), message);
        // An empty assistant turn carries nothing and Anthropic rejects it.
        if (blocks.length > 0) append("assistant", blocks);
        return;
      }
      case "tool":
        append("user", [toToolResultBlock(message, param)]);
        return;
      default:
        throw new GatewayError("invalid_request", {
          param: `${param}.role`,
          message: `${param}.role "${String(message.role)}" is not supported.`,
        });
    }
  });
  return { system, messages: turns };
}
