const finishReasons: Readonly<Record<string, string>> = {
  COMPLETE: "stop",
  STOP_SEQUENCE: "stop",
  MAX_TOKENS: "length",
  TOOL_CALL: "tool_calls",
  ERROR: "error",
};

/** Cohere's finish reason in OpenAI's words; an unknown one passes through lower-cased, never hidden. */
export function mapCohereFinishReason(reason: string | null | undefined): string {
  if (!reason) return "stop";
  return finishReasons[reason] ?? reason.toLowerCase();
}
