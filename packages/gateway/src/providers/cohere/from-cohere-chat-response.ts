import type { ChatCompletion, ChatMessage, ToolCall } from "@aigateway/protocol";
import type { TokenUsage } from "../../usage/token-usage.ts";
import type { CohereChatResponse, CohereToolCall } from "./cohere-wire.ts";
import { mapCohereFinishReason } from "./map-cohere-finish-reason.ts";
import { readCohereUsage } from "./read-cohere-usage.ts";

/** Cohere sends `null`, "null" or "" as the arguments of a call to a tool without parameters. */
export function normalizeToolArguments(value: string | null | undefined): string {
  const trimmed = value?.trim();
  return value && trimmed && trimmed !== "null" ? value : "{}";
}

export function toOpenAiToolCall(call: CohereToolCall): ToolCall {
  return {
    id: call.id,
    type: "function",
    function: { name: call.function.name, arguments: normalizeToolArguments(call.function.arguments) },
  };
}

/** Whether a body looks like a Cohere v2 chat response, so a broken one is reported, not half-read. */
export function isCohereChatResponse(body: unknown): body is CohereChatResponse {
  return (
    typeof body === "object" &&
    body !== null &&
    typeof (body as CohereChatResponse).message === "object" &&
    (body as CohereChatResponse).message !== null
  );
}

/**
 * A Cohere v2 chat response in OpenAI's shape. Thinking parts become `reasoning_content`; a tool
 * plan becomes the message content (the text a model writes before its tool calls); citations stay
 * available as `message.citations`, verbatim.
 */
export function fromCohereChatResponse(
  response: CohereChatResponse,
  slug: string,
  created: number,
): { completion: ChatCompletion; usage: TokenUsage } {
  const upstream = response.message ?? {};
  let text = "";
  let thinking = "";
  for (const part of upstream.content ?? []) {
    if (part.type === "text") text += (part as { text: string }).text;
    else if (part.type === "thinking") thinking += (part as { thinking: string }).thinking;
  }
  const toolCalls = (upstream.tool_calls ?? []).map(toOpenAiToolCall);
  const content = text || upstream.tool_plan || null;
  const message: ChatMessage = { role: "assistant", content };
  if (thinking) message.reasoning_content = thinking;
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (upstream.citations && upstream.citations.length > 0) message.citations = upstream.citations;
  const usage = readCohereUsage(response.usage);
  return {
    completion: {
      id: response.id ?? "",
      object: "chat.completion",
      created,
      model: slug,
      choices: [
        {
          index: 0,
          message,
          finish_reason: mapCohereFinishReason(response.finish_reason),
          logprobs: null,
        },
      ],
    },
    usage,
  };
}
