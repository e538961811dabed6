import type { ChatMessage, ContentPart } from "@aigateway/protocol";

/** Fields the gateway puts on assistant messages that Mistral's strict schema refuses (422 extra_forbidden). */
const reasoningFields = ["reasoning_content", "reasoning_details", "reasoning"] as const;

function toThinkingParts(message: ChatMessage, reasoning: string): ContentPart[] {
  const parts: ContentPart[] = [{ type: "thinking", thinking: [{ type: "text", text: reasoning }] }];
  if (typeof message.content === "string") {
    if (message.content) parts.push({ type: "text", text: message.content });
  } else if (Array.isArray(message.content)) {
    parts.push(...message.content);
  }
  return parts;
}

/**
 * Mistral rejects any field its schema does not name, so an assistant turn sent back with the
 * `reasoning_content` the gateway answered with would fail the whole request. Mistral's own way to
 * carry reasoning into the next turn is a `thinking` content chunk before the text (its SDK examples
 * say dropping it degrades reasoning models), so the reasoning goes back as that chunk; the
 * signature-bearing `reasoning_details` of other vendors mean nothing to Mistral and are left out.
 * Returns the same array when no message needs it, and never changes the caller's messages, which
 * another route may still need as they are.
 */
export function replayReasoningAsThinkingParts(messages: ChatMessage[]): ChatMessage[] {
  if (!messages.some((message) => reasoningFields.some((field) => field in message))) return messages;
  return messages.map((message) => {
    if (!reasoningFields.some((field) => field in message)) return message;
    const { reasoning_content: reasoning, reasoning_details: _details, reasoning: _raw, ...rest } = message;
    if (message.role !== "assistant" || typeof reasoning !== "string" || !reasoning) return rest;
    return { ...rest, content: toThinkingParts(message, reasoning) };
  });
}
