import type { ChatMessage, ContentPart, ReasoningDetail } from "@aigateway/protocol";
import { GatewayError } from "@aigateway/protocol";
import { geminiReasoningFormat, type GeminiContent, type GeminiPart } from "./gemini-wire-types.ts";
import { parseToolCallArguments } from "../parse-tool-call-arguments.ts";
import { toGeminiMediaPart } from "./to-gemini-media-part.ts";

export interface GeminiConversation {
  systemInstruction: GeminiContent | undefined;
  contents: GeminiContent[];
}

/**
 * Google's documented placeholder for a function call whose signature was lost (a conversation that
 * started on another model, or a client that dropped reasoning_details). Gemini 3 rejects a function
 * call without a signature with a 400; with this it accepts the call and reasons without the lost
 * context.
 */
export const skippedThoughtSignature = "skip_thought_signature_validator";

function invalid(param: string, message: string): GatewayError {
  return new GatewayError("invalid_request", { param, message });
}

function readText(content: ChatMessage["content"], param: string): string {
  if (content === undefined || content === null) return "";
  if (typeof content === "string") return content;
  return content
    .map((part, index) => {
      if (part.type !== "text") {
        throw invalid(`${param}[${index}]`, `Only text parts are allowed here, not "${part.type}".`);
      }
      return typeof part.text === "string" ? part.text : "";
    })
    .join("");
}

function toUserPart(part: ContentPart, param: string): GeminiPart {
  const fields = part as Record<string, unknown>;
  switch (part.type) {
    case "text":
      return { text: typeof fields.text === "string" ? fields.text : "" };
    case "image_url": {
      const image = fields.image_url as { url?: unknown } | undefined;
      return toGeminiMediaPart(typeof image?.url === "string" ? image.url : "", `${param}.image_url.url`);
    }
    case "input_audio": {
      const audio = fields.input_audio as { data?: unknown; format?: unknown } | undefined;
      if (typeof audio?.data !== "string" || typeof audio.format !== "string") {
        throw invalid(`${param}.input_audio`, "input_audio needs base64 `data` and a `format`.");
      }
      return { inlineData: { mimeType: `audio/${audio.format}`, data: audio.data } };
    }
    case "file": {
      const file = fields.file as { file_data?: unknown } | undefined;
      if (typeof file?.file_data !== "string") {
        throw invalid(
          `${param}.file`,
          "Gemini takes files as `file_data` (a data: URL); `file_id` is not supported.",
        );
      }
      return toGeminiMediaPart(file.file_data, `${param}.file.file_data`);
    }
    default:
      throw invalid(`${param}.type`, `Content parts of type "${part.type}" are not supported by Gemini.`);
  }
}

function toUserParts(content: ChatMessage["content"], param: string): GeminiPart[] {
  if (content === undefined || content === null) return [];
  if (typeof content === "string") return [{ text: content }];
  return content.map((part, index) => toUserPart(part, `${param}[${index}]`));
}

/** Gemini's functionResponse.response must be an object: JSON objects pass as they are, anything else is wrapped. */
function toFunctionResponse(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
    return { result: parsed };
  } catch {
    return { result: text };
  }
}

function toModelParts(
  message: ChatMessage,
  param: string,
  toolNames: Map<string, string>,
  requireSignatures: boolean,
): GeminiPart[] {
  const details = (message.reasoning_details ?? []).filter(
    (detail: ReasoningDetail) => detail.format === geminiReasoningFormat,
  );
  const parts: GeminiPart[] = [];
  for (const detail of details) {
    if (detail.type !== "reasoning.text") continue;
    if (!detail.text && !detail.signature) continue;
    const part: GeminiPart = { text: detail.text, thought: true };
    if (detail.signature) part.thoughtSignature = detail.signature;
    parts.push(part);
  }
  const encrypted = details.filter((detail) => detail.type === "reasoning.encrypted");
  const textSignature = encrypted.find((detail) => detail.id === undefined)?.data;
  const text = readText(message.content, `${param}.content`);
  if (text || textSignature) {
    const part: GeminiPart = { text };
    if (textSignature) part.thoughtSignature = textSignature;
    parts.push(part);
  }
  const calls = message.tool_calls ?? [];
  calls.forEach((call, index) => {
    const callParam = `${param}.tool_calls[${index}]`;
    const part: GeminiPart = {
      functionCall: {
        name: call.function.name,
        args: parseToolCallArguments(call.function.arguments, `${callParam}.function.arguments`, "Gemini"),
        id: call.id,
      },
    };
    const signature = encrypted.find((detail) => detail.id === call.id)?.data;
    if (signature) part.thoughtSignature = signature;
    else if (index === 0 && requireSignatures) part.thoughtSignature = skippedThoughtSignature;
    toolNames.set(call.id, call.function.name);
    parts.push(part);
  });
  return parts;
}

/**
 * OpenAI messages as Gemini's systemInstruction and contents. System and developer messages (wherever
 * they are) become the one systemInstruction, in order. Assistant turns get back, on the same parts,
 * the thought summaries and thought signatures they were answered with (reasoning_details in the
 * "google-gemini-v1" format). Tool results become functionResponse parts named after the tool call
 * they answer. Consecutive turns of one role are merged, since parallel function responses must
 * arrive in one turn.
 */
export function toGeminiContents(
  messages: readonly ChatMessage[],
  options: { requireSignatures: boolean },
): GeminiConversation {
  const systemParts: GeminiPart[] = [];
  const contents: GeminiContent[] = [];
  const toolNames = new Map<string, string>();
  const append = (role: "user" | "model", parts: GeminiPart[]): void => {
    if (parts.length === 0) return;
    const last = contents.at(-1);
    if (last?.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  };
  messages.forEach((message, index) => {
    const param = `messages[${index}]`;
    switch (message.role) {
      case "system":
      case "developer": {
        const text = readText(message.content, `${param}.content`);
        if (text) systemParts.push({ text });
        break;
      }
      case "user":
        append("user", toUserParts(message.content, `${param}.content`));
        break;
      case "assistant":
        append("model", toModelParts(message, param, toolNames, options.requireSignatures));
        break;
      case "tool": {
        const id = message.tool_call_id ?? "";
        const name = toolNames.get(id);
        if (name === undefined) {
          throw invalid(
            `${param}.tool_call_id`,
            `Tool message answers "${id}", which is not a tool call of an earlier assistant message.`,
          );
        }
        const response = toFunctionResponse(readText(message.content, `${param}.content`));
        append("user", [{ functionResponse: { name, id, response } }]);
        break;
      }
    }
  });
  return {
    systemInstruction: systemParts.length > 0 ? { parts: systemParts } : undefined,
    contents,
  };
}
