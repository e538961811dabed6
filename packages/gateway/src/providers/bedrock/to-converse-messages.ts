import type { ChatMessage, ContentPart, ReasoningDetail } from "@aigateway/protocol";
import { GatewayError } from "@aigateway/protocol";
import { readDataUrl } from "../read-data-url.ts";
import { parseToolCallArguments } from "../parse-tool-call-arguments.ts";
import type { ContentBlock, ConverseMessage, ImageFormat } from "./converse-types.ts";
import { replayableReasoningFormats } from "./reasoning-format.ts";

export interface ConverseConversation {
  system: { text: string }[];
  messages: ConverseMessage[];
}

const imageFormats: Record<string, ImageFormat> = {
  "image/png": "png",
  "image/jpeg": "jpeg",
  "image/jpg": "jpeg",
  "image/gif": "gif",
  "image/webp": "webp",
};

function invalid(message: string, param: string): GatewayError {
  return new GatewayError("invalid_request", { message, param });
}

/** Converse takes image bytes only; a remote URL would need the gateway to fetch it, which it does not. */
function toImageBlock(url: string, param: string): ContentBlock {
  const dataUrl = readDataUrl(url);
  if (!dataUrl) {
    throw invalid(
      "Bedrock accepts images only as base64 data: URLs (data:image/png;base64,…); image URLs are not supported.",
      param,
    );
  }
  const format = imageFormats[dataUrl.mediaType];
  if (!format) {
    throw invalid(`Bedrock accepts png, jpeg, gif and webp images, not ${dataUrl.mediaType}.`, param);
  }
  return { image: { format, source: { bytes: dataUrl.data } } };
}

function toContentBlocks(
  content: ChatMessage["content"],
  param: string,
  allowImages: boolean,
): ContentBlock[] {
  if (content === undefined || content === null) return [];
  if (typeof content === "string") return content ? [{ text: content }] : [];
  return content.flatMap((part: ContentPart, index): ContentBlock[] => {
    const partParam = `${param}[${index}]`;
    if (part.type === "text" && typeof part.text === "string") return part.text ? [{ text: part.text }] : [];
    if (part.type === "image_url" && allowImages) {
      const url = (part.image_url as { url?: unknown } | undefined)?.url;
      return [toImageBlock(typeof url === "string" ? url : "", `${partParam}.image_url`)];
    }
    throw invalid(`Bedrock does not accept content parts of type "${part.type}" here.`, `${partParam}.type`);
  });
}

function toText(content: ChatMessage["content"], param: string): string {
  return toContentBlocks(content, param, false)
    .map((block) => block.text ?? "")
    .join("");
}

/**
 * Reasoning blocks to send back verbatim. Streamed details arrive in pieces sharing an `index`
 * (text fragments, then the signature); they are joined per index into one block.
 */
function toReasoningBlocks(details: readonly ReasoningDetail[] | undefined): ContentBlock[] {
  if (!details) return [];
  const blocks: ContentBlock[] = [];
  const textByIndex = new Map<number, { text: string; signature?: string }>();
  for (const detail of details) {
    if (detail.format !== undefined && !replayableReasoningFormats.has(detail.format)) continue;
    if (detail.type === "reasoning.encrypted") {
      blocks.push({ reasoningContent: { redactedContent: detail.data } });
      continue;
    }
    if (detail.type !== "reasoning.text") continue;
    const existing = detail.index !== undefined ? textByIndex.get(detail.index) : undefined;
    if (existing) {
      existing.text += detail.text ?? "";
      if (detail.signature) existing.signature = detail.signature;
      continue;
    }
    const reasoningText: { text: string; signature?: string } = { text: detail.text ?? "" };
    if (detail.signature) reasoningText.signature = detail.signature;
    if (detail.index !== undefined) textByIndex.set(detail.index, reasoningText);
    blocks.push({ reasoningContent: { reasoningText } });
  }
  return blocks;
}

function toAssistantBlocks(message: ChatMessage, param: string): ContentBlock[] {
  const blocks = toReasoningBlocks(message.reasoning_details);
  blocks.push(...toContentBlocks(message.content, `${param}.content`, false));
  (message.tool_calls ?? []).forEach((call, index) => {
    blocks.push({
      toolUse: {
        toolUseId: call.id,
        name: call.function.name,
        input: parseToolCallArguments(
          call.function.arguments,
          `${param}.tool_calls[${index}].function.arguments`,
          "Bedrock",
        ),
      },
    });
  });
  return blocks;
}

/**
 * OpenAI messages as a Converse conversation: system and developer messages become `system` blocks
 * (Converse has no system turn, so one in mid-conversation moves to the front), tool results become
 * `toolResult` blocks of a user turn, and consecutive turns of one role are merged because Converse
 * requires user and assistant turns to alternate.
 */
export function toConverseMessages(messages: readonly ChatMessage[]): ConverseConversation {
  const system: { text: string }[] = [];
  const turns: ConverseMessage[] = [];
  const append = (role: ConverseMessage["role"], blocks: ContentBlock[]): void => {
    if (blocks.length === 0) return;
    const last = turns.at(-1);
    if (last?.role === role) last.content.push(...blocks);
    else turns.push({ role, content: blocks });
  };
  messages.forEach((message, index) => {
    const param = `messages[${index}]`;
    switch (message.role) {
      case "system":
      case "developer": {
        const text = toText(message.content, `${param}.content`);
        if (text) system.push({ text });
        break;
      }
      case "user":
        append("user", toContentBlocks(message.content, `${param}.content`, true));
        break;
      case "assistant":
        append("assistant", toAssistantBlocks(message, param));
        break;
      case "tool": {
        if (!message.tool_call_id) {
          throw invalid("A tool message needs the tool_call_id it answers.", `${param}.tool_call_id`);
        }
        const text = toText(message.content, `${param}.content`);
        append("user", [{ toolResult: { toolUseId: message.tool_call_id, content: [{ text }] } }]);
        break;
      }
    }
  });
  return { system, messages: turns };
}
