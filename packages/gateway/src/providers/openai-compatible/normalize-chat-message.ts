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
