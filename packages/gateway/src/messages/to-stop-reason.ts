import type { StopReason } from "./anthropic-messages-types.ts";

/**
 * An OpenAI finish_reason as Anthropic's stop_reason. Some vendors answer "stop" after tool calls, so
 * a turn that made tool calls is always "tool_use". OpenAI does not say which stop sequence matched,
 * so "stop" is always "end_turn".
 */
export function toStopReason(finishReason: string | null | undefined, madeToolCalls: boolean): StopReason {
  if (madeToolCalls && finishReason !== "length") return "tool_use";
  switch (finishReason ?? null) {
    case "length":
      return "max_tokens";
    case "tool_calls":
    case "function_call":
      return "tool_use";
    case "content_filter":
      return "refusal";
    case null:
    default:
      return "end_turn";
  }
}
