/** OpenAI finish_reason values, or "error" for stops that mean the model failed and must not pass as success. */
export type MappedFinishReason = "stop" | "length" | "content_filter" | "tool_calls" | "error";

const contentFilterReasons = new Set([
  "SAFETY",
  "RECITATION",
  "BLOCKLIST",
  "PROHIBITED_CONTENT",
  "SPII",
  "IMAGE_SAFETY",
  "IMAGE_PROHIBITED_CONTENT",
  "IMAGE_RECITATION",
]);

// The model produced a function call Gemini could not parse or did not allow: no usable answer.
const failureReasons = new Set(["MALFORMED_FUNCTION_CALL", "UNEXPECTED_TOOL_CALL", "TOO_MANY_TOOL_CALLS"]);

/**
 * Gemini's finishReason as OpenAI's. Gemini says STOP after function calls, OpenAI says tool_calls.
 * OTHER, LANGUAGE and unknown reasons become "stop"; the original is kept in native_finish_reason.
 */
export function mapGeminiFinishReason(reason: string, hasToolCalls: boolean): MappedFinishReason {
  if (contentFilterReasons.has(reason)) return "content_filter";
  if (failureReasons.has(reason)) return "error";
  if (reason === "MAX_TOKENS") return "length";
  return hasToolCalls ? "tool_calls" : "stop";
}
