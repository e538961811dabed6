const finishReasons: Readonly<Record<string, string>> = {
  end_turn: "stop",
  stop_sequence: "stop",
  max_tokens: "length",
  model_context_window_exceeded: "length",
  tool_use: "tool_calls",
  content_filtered: "content_filter",
  guardrail_intervened: "content_filter",
};

/** Converse `stopReason` as OpenAI's `finish_reason`; a reason added later reads as a normal stop. */
export function toFinishReason(stopReason: string | undefined): string {
  return (stopReason !== undefined ? finishReasons[stopReason] : undefined) ?? "stop";
}
