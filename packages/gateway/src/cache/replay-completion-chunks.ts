import type { ChatCompletion } from "@aigateway/protocol";

/** Text longer than this is replayed in several deltas, as a provider would stream it. */
const charactersPerDelta = 512;

function split(text: string): string[] {
  const pieces: string[] = [];
  for (let start = 0; start < text.length; start += charactersPerDelta) {
    pieces.push(text.slice(start, start + charactersPerDelta));
  }
  return pieces;
}

/**
 * A stored completion as the chat.completion.chunk payloads a stream of it carries: the role, the
 * reasoning, the content, the tool calls, then the finish reason. The caller adds the usage chunk and
 * [DONE], as for a live stream.
 */
export function toReplayChunks(completion: ChatCompletion): string[] {
  const chunks: string[] = [];
  const base = {
    id: completion.id,
    object: "chat.completion.chunk",
    created: completion.created,
    model: completion.model,
    ...(completion.system_fingerprint === undefined
      ? {}
      : { system_fingerprint: completion.system_fingerprint }),
  };
  const emit = (index: number, delta: Record<string, unknown>, finishReason: string | null = null): void => {
    chunks.push(JSON.stringify({ ...base, choices: [{ index, delta, finish_reason: finishReason }] }));
  };
  for (const choice of completion.choices) {
    const message = choice.message;
    emit(choice.index, { role: "assistant", content: "" });
    if (typeof message.reasoning_content === "string") {
      for (const piece of split(message.reasoning_content)) emit(choice.index, { reasoning_content: piece });
    }
    if (typeof message.content === "string") {
      for (const piece of split(message.content)) emit(choice.index, { content: piece });
    }
    message.tool_calls?.forEach((call, index) => {
      emit(choice.index, {
        tool_calls: [{ index, id: call.id, type: call.type, function: call.function }],
      });
    });
    emit(choice.index, {}, choice.finish_reason ?? "stop");
  }
  return chunks;
}
