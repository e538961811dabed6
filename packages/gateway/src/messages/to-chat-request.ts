import type {
  ChatCompletionRequest,
  ChatMessage,
  ContentPart,
  ReasoningDetail,
  ToolCall,
} from "@aigateway/protocol";
import { GatewayError } from "@aigateway/protocol";
import type { InboundContentBlock, MessagesRequest } from "./anthropic-messages-types.ts";

/** reasoning_details `format` of Anthropic thinking, so an Anthropic upstream can verify it on replay. */
export const anthropicReasoningFormat = "anthropic-claude-v1";

export interface TranslatedChatRequest {
  request: ChatCompletionRequest;
  /** What the chat shape cannot carry, for `x-aig-warning` (never dropped silently). */
  warnings: string[];
}

// Fields handled below, or that only steer the wire (cache hints are automatic on OpenAI-style APIs).
const translatedFields = new Set([
  "model",
  "max_tokens",
  "messages",
  "system",
  "stream",
  "temperature",
  "top_p",
  "top_k",
  "stop_sequences",
  "tools",
  "tool_choice",
  "thinking",
  "output_config",
  "output_format",
  "metadata",
]);

/** The most stop sequences OpenAI-style APIs accept. */
const maxStopSequences = 4;

function invalid(param: string, message: string): GatewayError {
  return new GatewayError("invalid_request", { param, message: `Invalid '${param}': ${message}` });
}

function readString(block: InboundContentBlock, field: string, param: string): string {
  const value = block[field];
  if (typeof value !== "string") throw invalid(`${param}.${field}`, "must be a string.");
  return value;
}

function readSource(block: InboundContentBlock, param: string): Record<string, unknown> {
  const source = block.source;
  if (typeof source !== "object" || source === null) throw invalid(`${param}.source`, "must be an object.");
  return source as Record<string, unknown>;
}

function toImagePart(block: InboundContentBlock, param: string): ContentPart {
  const source = readSource(block, param);
  if (source.type === "base64" && typeof source.data === "string" && typeof source.media_type === "string") {
    return { type: "image_url", image_url: { url: `data:${source.media_type};base64,${source.data}` } };
  }
  if (source.type === "url" && typeof source.url === "string") {
    return { type: "image_url", image_url: { url: source.url } };
  }
  throw invalid(
    `${param}.source`,
    "only base64 and url image sources can be sent to this model (Files API ids need an Anthropic model).",
  );
}

function toDocumentPart(block: InboundContentBlock, param: string): ContentPart {
  const source = readSource(block, param);
  if (source.type === "text" && typeof source.data === "string") return { type: "text", text: source.data };
  if (source.type === "base64" && typeof source.data === "string" && typeof source.media_type === "string") {
    const filename = typeof block.title === "string" && block.title ? block.title : "document.pdf";
    return {
      type: "file",
      file: { filename, file_data: `data:${source.media_type};base64,${source.data}` },
    };
  }
  throw invalid(
    `${param}.source`,
    "only base64 and text document sources can be sent to this model (url and file sources need an Anthropic model).",
  );
}

/** A content block of a user turn (or of a tool result) as an OpenAI content part. */
function toContentPart(block: InboundContentBlock, param: string): ContentPart {
  switch (block.type) {
    case "text":
      return { type: "text", text: readString(block, "text", param) };
    case "image":
      return toImagePart(block, param);
    case "document":
      return toDocumentPart(block, param);
    default:
      throw invalid(
        `${param}.type`,
        `content blocks of type '${block.type}' cannot be sent to this model; it accepts text, image, document, tool_use and tool_result.`,
      );
  }
}

/** Text-only content as one string: the form every OpenAI-compatible vendor accepts. */
function collapseParts(parts: ContentPart[]): string | ContentPart[] {
  if (parts.every((part) => part.type === "text")) {
    return parts.map((part) => (part as { text: string }).text).join("\n");
  }
  return parts;
}

function readBlocks(content: unknown, param: string): InboundContentBlock[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  if (!Array.isArray(content)) throw invalid(param, "must be a string or an array of content blocks.");
  return content as InboundContentBlock[];
}

/**
 * A user turn: tool results become `tool` messages (first, as OpenAI requires them right after the
 * assistant's tool calls), the other blocks one user message. Images inside tool results cannot go in a
 * tool message, so they follow in that user message.
 */
function toUserMessages(content: string | InboundContentBlock[], param: string): ChatMessage[] {
  if (typeof content === "string") return [{ role: "user", content }];
  const toolMessages: ChatMessage[] = [];
  const parts: ContentPart[] = [];
  content.forEach((block, index) => {
    const blockParam = `${param}.${index}`;
    if (block.type !== "tool_result") {
      parts.push(toContentPart(block, blockParam));
      return;
    }
    const toolUseId = readString(block, "tool_use_id", blockParam);
    const texts: string[] = [];
    const resultBlocks =
      block.content === undefined ? [] : readBlocks(block.content, `${blockParam}.content`);
    resultBlocks.forEach((inner, innerIndex) => {
      const part = toContentPart(inner, `${blockParam}.content.${innerIndex}`);
      if (part.type === "text") texts.push((part as { text: string }).text);
      else parts.push(part);
    });
    const text = texts.join("\n");
    toolMessages.push({
      role: "tool",
      tool_call_id: toolUseId,
      content: block.is_error === true ? `Error: ${text}` : text,
    });
  });
  const messages = toolMessages;
  if (parts.length > 0) messages.push({ role: "user", content: collapseParts(parts) });
  return messages;
}

function toAssistantMessage(
  content: string | InboundContentBlock[],
  param: string,
  warnings: Set<string>,
): ChatMessage {
  if (typeof content === "string") return { role: "assistant", content };
  const texts: string[] = [];
  const toolCalls: ToolCall[] = [];
  const thinking: string[] = [];
  const details: ReasoningDetail[] = [];
  content.forEach((block, index) => {
    const blockParam = `${param}.${index}`;
    switch (block.type) {
      case "text":
        texts.push(readString(block, "text", blockParam));
        break;
      case "tool_use":
        toolCalls.push({
          id: readString(block, "id", blockParam),
          type: "function",
          function: {
            name: readString(block, "name", blockParam),
            arguments: JSON.stringify(block.input ?? {}),
          },
        });
        break;
      case "thinking": {
        const text = readString(block, "thinking", blockParam);
        thinking.push(text);
        const signature = typeof block.signature === "string" ? block.signature : null;
        details.push({
          type: "reasoning.text",
          text,
          signature,
          format: anthropicReasoningFormat,
          index: details.length,
        });
        break;
      }
      case "redacted_thinking":
        details.push({
          type: "reasoning.encrypted",
          data: readString(block, "data", blockParam),
          format: anthropicReasoningFormat,
          index: details.length,
        });
        break;
      default:
        // Server tool calls and their results only mean something to Anthropic's own servers.
        warnings.add(`${block.type} content blocks`);
    }
  });
  const message: ChatMessage = {
    role: "assistant",
    content: texts.length > 0 ? texts.join("") : toolCalls.length > 0 ? null : "",
  };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (thinking.length > 0) message.reasoning_content = thinking.join("");
  if (details.length > 0) message.reasoning_details = details;
  return message;
}

function toSystemMessage(system: MessagesRequest["system"]): ChatMessage | undefined {
  if (system === undefined) return undefined;
  if (typeof system === "string") return system ? { role: "system", content: system } : undefined;
  const text = system
    .map((block, index) => readString(block, "text", `system.${index}`))
    .filter((part) => part.length > 0)
    .join("\n");
  return text ? { role: "system", content: text } : undefined;
}

/** Anthropic's thinking budget on OpenAI's effort scale (budgets are at least 1,024 tokens). */
export function toReasoningEffort(budgetTokens: number): "low" | "medium" | "high" {
  if (budgetTokens < 4096) return "low";
  if (budgetTokens < 16384) return "medium";
  return "high";
}

function translateTools(
  request: MessagesRequest,
  target: ChatCompletionRequest,
  warnings: Set<string>,
): void {
  const tools = request.tools ?? [];
  const functions = [];
  for (const tool of tools) {
    // Anthropic-defined tools (web search, code execution, bash_2025…) run on Anthropic's side.
    if (tool.type !== undefined && tool.type !== "custom") {
      warnings.add(`tools of type '${tool.type}'`);
      continue;
    }
    functions.push({
      type: "function",
      function: {
        name: tool.name,
        ...(tool.description === undefined ? {} : { description: tool.description }),
        parameters: tool.input_schema ?? { type: "object", properties: {} },
      },
    });
  }
  if (functions.length > 0) target.tools = functions;
  const choice = request.tool_choice;
  if (!choice) return;
  if (choice.type === "none") {
    if (functions.length > 0) target.tool_choice = "none";
    return;
  }
  if (functions.length === 0) return;
  if (choice.type === "any") target.tool_choice = "required";
  else if (choice.type === "tool" && choice.name) {
    target.tool_choice = { type: "function", function: { name: choice.name } };
  } else target.tool_choice = "auto";
  if (choice.disable_parallel_tool_use === true) target.parallel_tool_calls = false;
}

function translateOutputFormat(request: MessagesRequest, target: ChatCompletionRequest): void {
  // `output_format` is the beta spelling of `output_config.format`.
  const format =
    request.output_config?.format ??
    (request.output_format as { type: string; schema?: unknown } | undefined);
  if (!format) return;
  if (format.type !== "json_schema" || typeof format.schema !== "object" || format.schema === null) {
    throw invalid("output_config.format", "must be {type: 'json_schema', schema: {...}}.");
  }
  target.response_format = {
    type: "json_schema",
    json_schema: { name: "output", schema: format.schema, strict: true },
  };
}

/**
 * An Anthropic Messages request as the OpenAI-shaped chat request the gateway's hub speaks, for models
 * not served by Anthropic itself. What the chat shape cannot express is listed in `warnings`.
 */
export function toChatRequest(request: MessagesRequest, slug: string): TranslatedChatRequest {
  const warnings = new Set<string>();
  const messages: ChatMessage[] = [];
  const system = toSystemMessage(request.system);
  if (system) messages.push(system);
  request.messages.forEach((message, index) => {
    const param = `messages.${index}.content`;
    const content =
      typeof message.content === "string" ? message.content : readBlocks(message.content, param);
    if (message.role === "user") messages.push(...toUserMessages(content, param));
    else messages.push(toAssistantMessage(content, param, warnings));
  });

  const target: ChatCompletionRequest = { model: slug, messages };
  if (request.stream === true) target.stream = true;
  if (request.max_tokens !== undefined) target.max_tokens = request.max_tokens;
  if (request.temperature !== undefined) target.temperature = request.temperature;
  if (request.top_p !== undefined) target.top_p = request.top_p;
  if (request.top_k !== undefined) warnings.add("top_k");
  if (request.stop_sequences && request.stop_sequences.length > 0) {
    target.stop = request.stop_sequences.slice(0, maxStopSequences);
    if (request.stop_sequences.length > maxStopSequences) {
      warnings.add(`stop_sequences beyond the first ${maxStopSequences}`);
    }
  }
  const userId = request.metadata?.user_id;
  if (typeof userId === "string" && userId) target.user = userId;
  translateTools(request, target, warnings);
  translateOutputFormat(request, target);

  const effort = request.output_config?.effort;
  if (typeof effort === "string") target.reasoning_effort = effort;
  else if (request.thinking?.type === "enabled" && typeof request.thinking.budget_tokens === "number") {
    target.reasoning_effort = toReasoningEffort(request.thinking.budget_tokens);
  }

  for (const field of Object.keys(request)) {
    if (!translatedFields.has(field) && request[field] !== undefined) warnings.add(field);
  }
  return { request: target, warnings: [...warnings] };
}
