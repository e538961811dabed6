import type { ChatMessage } from "@aigateway/protocol";

/**
 * A deliberately simple token estimate (about four characters per token, as for English with BPE
 * tokenisers). Used only where the upstream gives no count: the echo model, and a stream the client
 * abandoned before the upstream's usage chunk arrived.
 */
export function estimateTokens(text: string): number {
  return text.length === 0 ? 0 : Math.ceil(text.length / 4);
}

export function readMessageText(message: ChatMessage): string {
  const content = message.content;
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((part) => (part.type === "text" && typeof part.text === "string" ? part.text : ""))
    .join("");
}

export function estimatePromptTokens(messages: readonly ChatMessage[]): number {
  // A few tokens of framing per message, as chat templates add them.
  return messages.reduce((total, message) => total + 4 + estimateTokens(readMessageText(message)), 0);
}
