import type { ChatCompletion, ChatMessage } from "@aigateway/protocol";

interface ToolCallParts {
  id: string;
  type: string;
  name: string;
  arguments: string;
}

interface ChoiceParts {
  content: string;
  reasoning: string;
  toolCalls: Map<number, ToolCallParts>;
  finishReason: string | null;
}

export interface ChatStreamAccumulator {
  /** Reads one forwarded chunk (its JSON text). */
  push(data: string): void;
  /** False once the answer grew past the size limit or a chunk could not be read. */
  readonly usable: boolean;
  /** The streamed answer as one chat.completion (usage left out; the caller adds it). */
  finish(fallback: { id: string; created: number; model: string }): ChatCompletion | undefined;
}

interface StreamChunk {
  id?: unknown;
  created?: unknown;
  system_fingerprint?: unknown;
  choices?: {
    index?: number;
    delta?: {
      content?: unknown;
      reasoning_content?: unknown;
      tool_calls?: {
        index?: number;
        id?: string;
        type?: string;
        function?: { name?: string; arguments?: string };
      }[];
    };
    finish_reason?: unknown;
  }[];
}

/**
 * Rebuilds a streamed answer so the cache can store it and replay it later. Only used for requests
 * that may be cached, since it parses every chunk the forwarder otherwise passes through untouched.
 */
export function createChatStreamAccumulator(maxCharacters: number): ChatStreamAccumulator {
  const choices = new Map<number, ChoiceParts>();
  let id: string | undefined;
  let created: number | undefined;
  let fingerprint: string | undefined;
  let characters = 0;
  let usable = true;

  function choiceAt(index: number): ChoiceParts {
    let choice = choices.get(index);
    if (!choice) {
      choice = { content: "", reasoning: "", toolCalls: new Map(), finishReason: null };
      choices.set(index, choice);
    }
    return choice;
  }

  return {
    push(data) {
      if (!usable) return;
      characters += data.length;
      if (characters > maxCharacters) {
        usable = false;
        return;
      }
      let chunk: StreamChunk;
      try {
        chunk = JSON.parse(data) as StreamChunk;
      } catch {
        usable = false;
        return;
      }
      if (typeof chunk.id === "string") id ??= chunk.id;
      if (typeof chunk.created === "number") created ??= chunk.created;
      if (typeof chunk.system_fingerprint === "string") fingerprint ??= chunk.system_fingerprint;
      for (const part of chunk.choices ?? []) {
        const choice = choiceAt(part.index ?? 0);
        const delta = part.delta ?? {};
        if (typeof delta.content === "string") choice.content += delta.content;
        if (typeof delta.reasoning_content === "string") choice.reasoning += delta.reasoning_content;
        for (const call of delta.tool_calls ?? []) {
          const index = call.index ?? 0;
          let parts = choice.toolCalls.get(index);
          if (!parts) {
            parts = { id: "", type: "function", name: "", arguments: "" };
            choice.toolCalls.set(index, parts);
          }
          if (call.id) parts.id = call.id;
          if (call.type) parts.type = call.type;
          if (call.function?.name) parts.name += call.function.name;
          if (call.function?.arguments) parts.arguments += call.function.arguments;
        }
        if (typeof part.finish_reason === "string") choice.finishReason = part.finish_reason;
      }
    },
    get usable() {
      return usable;
    },
    finish(fallback) {
      if (!usable || choices.size === 0) return undefined;
      const completion: ChatCompletion = {
        id: id ?? fallback.id,
        object: "chat.completion",
        created: created ?? fallback.created,
        model: fallback.model,
        choices: [...choices.entries()]
          .sort(([left], [right]) => left - right)
          .map(([index, choice]) => {
            const message: ChatMessage = { role: "assistant", content: choice.content || null };
            if (choice.reasoning) message.reasoning_content = choice.reasoning;
            if (choice.toolCalls.size > 0) {
              message.tool_calls = [...choice.toolCalls.entries()]
                .sort(([left], [right]) => left - right)
                .map(([, call]) => ({
                  id: call.id,
                  type: "function" as const,
                  function: { name: call.name, arguments: call.arguments },
                }));
            }
            return { index, message, finish_reason: choice.finishReason };
          }),
      };
      if (fingerprint !== undefined) completion.system_fingerprint = fingerprint;
      return completion;
    },
  };
}
