/**
 * Vendors name reasoning text differently (`reasoning_content` at DeepSeek, `reasoning` at Groq and
 * OpenRouter). The gateway always answers with `reasoning_content`. Mutates in place: the object was
 * parsed from upstream bytes and belongs to us.
 */
export function renameReasoningField(target: Record<string, unknown>): boolean {
  if (!("reasoning" in target)) return false;
  if (typeof target.reasoning === "string" && typeof target.reasoning_content !== "string") {
    target.reasoning_content = target.reasoning;
  }
  delete target.reasoning;
  return true;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function isTextPart(part: unknown): part is { type: "text"; text: string } {
  return isRecord(part) && part.type === "text" && typeof part.text === "string";
}

/** The text of Mistral's `thinking` list: text chunks, and possibly other chunk kinds, which carry none. */
function readThinkingText(thinking: unknown): string {
  if (typeof thinking === "string") return thinking;
  if (!Array.isArray(thinking)) return "";
  let text = "";
  for (const chunk of thinking) {
    if (isRecord(chunk) && typeof chunk.text === "string" && (chunk.type ?? "text") === "text") {
      text += chunk.text;
    }
  }
  return text;
}

/**
 * Mistral's reasoning models (Magistral, and Mistral Small/Medium with reasoning_effort) answer with
 * `content` as a list of chunks, `{type: "thinking", thinking: [{type: "text", text}]}` then
 * `{type: "text", text}`, in whole messages and in stream deltas alike. OpenAI's SDK expects a string
 * and the gateway reports reasoning as `reasoning_content`, so the thinking moves there and the text
 * chunks become the string content. Chunks of another kind keep the list, as a string cannot hold
 * them. Mutates in place, like renameReasoningField.
 */
export function moveThinkingPartsToReasoning(
  target: Record<string, unknown>,
  kind: "message" | "delta",
): boolean {
  const parts = target.content;
  if (!Array.isArray(parts)) return false;
  let reasoning = "";
  let text = "";
  let sawText = false;
  let sawThinking = false;
  const kept: unknown[] = [];
  for (const part of parts) {
    if (isRecord(part) && part.type === "thinking") {
      sawThinking = true;
      reasoning += readThinkingText(part.thinking);
      continue;
    }
    kept.push(part);
    if (isTextPart(part)) {
      sawText = true;
      text += part.text;
    }
  }
  const onlyText = kept.every(isTextPart);
  if (!sawThinking && !onlyText) return false;
  if (reasoning) {
    const earlier = typeof target.reasoning_content === "string" ? target.reasoning_content : "";
    target.reasoning_content = earlier + reasoning;
  }
  if (!onlyText) target.content = kept;
  else if (sawText) target.content = text;
  // Only thinking: a message has no text (null, as OpenAI says it); a delta simply carries none.
  else if (kind === "message") target.content = null;
  else delete target.content;
  return true;
}
