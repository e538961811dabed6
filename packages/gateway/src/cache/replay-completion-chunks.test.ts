import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { ChatCompletion } from "@aigateway/protocol";
import { createChatStreamAccumulator } from "./accumulate-chat-stream.ts";
import { toReplayChunks } from "./replay-completion-chunks.ts";

const completion: ChatCompletion = {
  id: "chatcmpl-1",
  object: "chat.completion",
  created: 1_700_000_000,
  model: "lab/model",
  choices: [
    {
      index: 0,
      message: {
        role: "assistant",
        content: "x".repeat(1200),
        reasoning_content: "thinking",
        tool_calls: [{ id: "call_1", type: "function", function: { name: "f", arguments: '{"a":1}' } }],
      },
      finish_reason: "tool_calls",
    },
  ],
};

describe("stream replay and accumulation", () => {
  it("replays a completion as chunks that accumulate back to it", () => {
    const chunks = toReplayChunks(completion);
    // role, reasoning, 3 content pieces, tool call, finish
    assert.equal(chunks.length, 7);
    const accumulator = createChatStreamAccumulator(1_000_000);
    for (const chunk of chunks) accumulator.push(chunk);
    assert.deepEqual(accumulator.finish({ id: "other", created: 0, model: "lab/model" }), completion);
  });

  it("gives up past its size bound", () => {
    const accumulator = createChatStreamAccumulator(100);
    for (const chunk of toReplayChunks(completion)) accumulator.push(chunk);
    assert.equal(accumulator.usable, false);
    assert.equal(accumulator.finish({ id: "x", created: 0, model: "m" }), undefined);
  });
});
