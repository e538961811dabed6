/** Anthropic's stop_reason as OpenAI's finish_reason. */
export function toFinishReason(stopReason: string | null | undefined): string {
  switch (stopReason) {
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "tool_use":
      return "tool_calls";
    case "refusal":
      return "content_filter";
    case "end_turn":
    case "stop_sequence":
    case null:
    case undefined:
      return "stop";
    default:
      // pause_turn (a server tool paused; the turn is complete as sent) and reasons added later.
      return "stop";
  }
}
