import type { ChatMessage, ContentPart } from "@aigateway/protocol";
import { GatewayError } from "@aigateway/protocol";
import type {
  CohereImageContent,
  CohereMessage,
  CohereTextContent,
  CohereThinkingContent,
} from "./cohere-wire.ts";

function unsupportedPart(part: ContentPart, param: string, role: string): GatewayError {
  return new GatewayError("invalid_request", {
    param,
    message: `Cohere does not accept "${part.type}" content in ${role} messages.`,
  });
}

/** Text-only content (system, tool and assistant turns); anything else is a clear 400. */
function toTextContent(
  content: ChatMessage["content"],
  param: string,
  role: string,
): string | CohereTextContent[] {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((part, index) => {
    // An assistant's refusal is text the model produced; it goes back as text.
    if (part.type === "text" || part.type === "refusal") {
      const text = part.type === "text" ? part.text : (part as { refusal?: unknown }).refusal;
      if (typeof text === "string") return { type: "text", text };
    }
    throw unsupportedPart(part, `${param}[${index}].type`, role);
  });
}

function toUserContent(
  content: ChatMessage["content"],
  param: string,
): string | (CohereTextContent | CohereImageContent)[] {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((part, index): CohereTextContent | CohereImageContent => {
    if (part.type === "text" && typeof part.text === "string") return { type: "text", text: part.text };
    if (part.type === "image_url") {
      const image = (part as { image_url: { url: string; detail?: string } }).image_url;
      return {
        type: "image_url",
        image_url: image.detail ? { url: image.url, detail: image.detail } : { url: image.url },
      };
    }
    throw unsupportedPart(part, `${param}[${index}].type`, "user");
  });
}

function joinText(content: string | CohereTextContent[]): string {
  return typeof content === "string" ? content : content.map((part) => part.text).join("");
}

function toAssistantMessage(message: ChatMessage, param: string): CohereMessage {
  const text = joinText(toTextContent(message.content, `${param}.content`, "assistant"));
  const toolCalls = message.tool_calls ?? [];
  const content: (CohereTextContent | CohereThinkingContent)[] = [];
  // Cohere reasoning models take their earlier thinking back as a content part.
  if (typeof message.reasoning_content === "string" && message.reasoning_content) {
    content.push({ type: "thinking", thinking: message.reasoning_content });
  }
  const assistant: Extract<CohereMessage, { role: "assistant" }> = { role: "assistant" };
  if (toolCalls.length > 0) {
    // The text a model writes before calling tools is Cohere's tool plan (we answer it as content).
    if (text) assistant.tool_plan = text;
    assistant.tool_calls = toolCalls.map((call) => ({
      id: call.id,
      type: "function",
      function: { name: call.function.name, arguments: call.function.arguments || "{}" },
    }));
  } else {
    content.push({ type: "text", text });
  }
  if (content.length > 0) assistant.content = content;
  return assistant;
}

/** OpenAI chat messages as Cohere v2 messages (developer turns become system turns). */
export function toCohereMessages(messages: readonly ChatMessage[]): CohereMessage[] {
  return messages.map((message, index): CohereMessage => {
    const param = `messages[${index}]`;
    switch (message.role) {
      case "system":
      case "developer":
        return { role: "system", content: toTextContent(message.content, `${param}.content`, "system") };
      case "user":
        return { role: "user", content: toUserContent(message.content, `${param}.content`) };
      case "assistant":
        return toAssistantMessage(message, param);
      case "tool":
        if (!message.tool_call_id) {
          throw new GatewayError("invalid_request", {
            param: `${param}.tool_call_id`,
            message: "A tool message needs the tool_call_id of the call it answers.",
          });
        }
        return {
          role: "tool",
          tool_call_id: message.tool_call_id,
          content: toTextContent(message.content, `${param}.content`, "tool"),
        };
    }
  });
}
