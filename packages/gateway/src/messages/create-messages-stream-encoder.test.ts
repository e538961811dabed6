import { test } from "node:test";
import assert from "node:assert/strict";
import type { ChatCompletionChunk } from "@aigateway/protocol";
import type { MessagesStreamEvent } from "./anthropic-messages-types.ts";
import { createMessagesStreamEncoder } from "./create-messages-stream-encoder.ts";

function chunk(delta: Record<string, unknown>, finishReason: string | null = null): ChatCompletionChunk {
  return {
    id: "chatcmpl-1",
    object: "chat.completion.chunk",
    created: 1,
    model: "m/x",
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  };
}

const usage = {
  prompt_tokens: 120,
  completion_tokens: 30,
  total_tokens: 150,
  prompt_tokens_details: { cached_tokens: 100 },
};

function run(chunks: ChatCompletionChunk[]): MessagesStreamEvent[] {
  const encoder = createMessagesStreamEncoder({ id: "msg_abc", model: "claude-sonnet-4-5" });
  const events = [encoder.start(42)];
  for (const item of chunks) events.push(...encoder.push(item));
  events.push(...encoder.finish(usage));
  return events;
}

test("text stream: message_start, one text block, message_delta with Anthropic usage, message_stop", () => {
  const events = run([
    chunk({ role: "assistant", content: "" }),
    chunk({ content: "Hello" }),
    chunk({ content: " world" }),
    chunk({}, "stop"),
  ]);
  assert.deepEqual(
    events.map((event) => event.event),
    [
      "message_start",
      "content_block_start",
      "content_block_delta",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ],
  );
  const start = events[0]?.data as {
    message: { id: string; model: string; usage: { input_tokens: number } };
  };
  assert.equal(start.message.id, "msg_abc");
  assert.equal(start.message.model, "claude-sonnet-4-5");
  assert.equal(start.message.usage.input_tokens, 42);
  assert.deepEqual(events[2]?.data, {
    type: "content_block_delta",
    index: 0,
    delta: { type: "text_delta", text: "Hello" },
  });
  assert.deepEqual(events[5]?.data, {
    type: "message_delta",
    delta: { stop_reason: "end_turn", stop_sequence: null },
    usage: {
      input_tokens: 20,
      output_tokens: 30,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 100,
    },
  });
});

test("reasoning then text: a thinking block with its signature, then a text block", () => {
  const events = run([
    chunk({ role: "assistant", content: "", reasoning_details: [] }),
    chunk({
      reasoning_content: "Let me",
      reasoning_details: [
        { type: "reasoning.text", text: "Let me", format: "anthropic-claude-v1", index: 0 },
      ],
    }),
    chunk({ reasoning_content: " think." }),
    chunk({
      reasoning_details: [
        { type: "reasoning.text", signature: "sig==", format: "anthropic-claude-v1", index: 0 },
      ],
    }),
    chunk({ content: "4" }),
    chunk({}, "stop"),
  ]);
  const deltas = events
    .filter((event) => event.event === "content_block_delta")
    .map((event) => event.data as { index: number; delta: unknown });
  assert.deepEqual(deltas, [
    { type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "Let me" } },
    { type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: " think." } },
    { type: "content_block_delta", index: 0, delta: { type: "signature_delta", signature: "sig==" } },
    { type: "content_block_delta", index: 1, delta: { type: "text_delta", text: "4" } },
  ]);
  const starts = events.filter((event) => event.event === "content_block_start").map((event) => event.data);
  assert.deepEqual(starts, [
    {
      type: "content_block_start",
      index: 0,
      content_block: { type: "thinking", thinking: "", signature: "" },
    },
    { type: "content_block_start", index: 1, content_block: { type: "text", text: "" } },
  ]);
});

test("streamed tool calls: one tool_use block each, arguments as input_json_delta, stop_reason tool_use", () => {
  const events = run([
    chunk({ role: "assistant", content: null }),
    chunk({
      tool_calls: [
        { index: 0, id: "call_a", type: "function", function: { name: "get_weather", arguments: "" } },
      ],
    }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }),
    chunk({
      tool_calls: [
        { index: 1, id: "call_b", type: "function", function: { name: "get_time", arguments: "{}" } },
      ],
    }),
    chunk({}, "tool_calls"),
  ]);
  const shapes = events.map((event) => {
    const data = event.data as { index?: number; content_block?: unknown; delta?: unknown };
    return [event.event, data.index, data.content_block ?? data.delta];
  });
  assert.deepEqual(shapes.slice(1, -2), [
    ["content_block_start", 0, { type: "tool_use", id: "call_a", name: "get_weather", input: {} }],
    ["content_block_delta", 0, { type: "input_json_delta", partial_json: '{"city":' }],
    ["content_block_delta", 0, { type: "input_json_delta", partial_json: '"Paris"}' }],
    ["content_block_stop", 0, undefined],
    ["content_block_start", 1, { type: "tool_use", id: "call_b", name: "get_time", input: {} }],
    ["content_block_delta", 1, { type: "input_json_delta", partial_json: "{}" }],
    ["content_block_stop", 1, undefined],
  ]);
  const delta = events.at(-2)?.data as { delta: { stop_reason: string } };
  assert.equal(delta.delta.stop_reason, "tool_use");
});

test("a tool call whose name comes after its first arguments still starts with the name", () => {
  const events = run([
    chunk({ tool_calls: [{ index: 0, id: "call_x", function: { arguments: '{"a"' } }] }),
    chunk({ tool_calls: [{ index: 0, function: { name: "f", arguments: ":1}" } }] }),
    chunk({}, "stop"),
  ]);
  const starts = events.filter((event) => event.event === "content_block_start");
  assert.deepEqual((starts[0]?.data as { content_block: unknown }).content_block, {
    type: "tool_use",
    id: "call_x",
    name: "f",
    input: {},
  });
  const json = events
    .filter((event) => event.event === "content_block_delta")
    .map((event) => (event.data as { delta: { partial_json: string } }).delta.partial_json)
    .join("");
  assert.equal(json, '{"a":1}');
  assert.equal((events.at(-2)?.data as { delta: { stop_reason: string } }).delta.stop_reason, "tool_use");
});

test("an empty answer still has one (empty) text block; length maps to max_tokens", () => {
  const events = run([chunk({ role: "assistant", content: "" }), chunk({}, "length")]);
  assert.deepEqual(
    events.map((event) => event.event),
    ["message_start", "content_block_start", "content_block_stop", "message_delta", "message_stop"],
  );
  assert.equal((events[3]?.data as { delta: { stop_reason: string } }).delta.stop_reason, "max_tokens");
});

test("redacted reasoning becomes a redacted_thinking block", () => {
  const events = run([
    chunk({
      reasoning_details: [{ type: "reasoning.encrypted", data: "opaque", format: "anthropic-claude-v1" }],
    }),
    chunk({ content: "ok" }),
    chunk({}, "stop"),
  ]);
  assert.deepEqual(events[1]?.data, {
    type: "content_block_start",
    index: 0,
    content_block: { type: "redacted_thinking", data: "opaque" },
  });
  assert.equal(events[2]?.event, "content_block_stop");
});

test("a signature that arrives after the text started is applied to the thinking block by index", () => {
  const events = run([
    chunk({ reasoning_content: "Hmm." }),
    chunk({ content: "Answer" }),
    chunk({ reasoning_details: [{ type: "reasoning.text", signature: "late-sig", index: 0 }] }),
    chunk({}, "stop"),
  ]);
  const signatureDelta = events.find(
    (event) => (event.data as { delta?: { type?: string } }).delta?.type === "signature_delta",
  );
  assert.deepEqual(signatureDelta?.data, {
    type: "content_block_delta",
    index: 0,
    delta: { type: "signature_delta", signature: "late-sig" },
  });
  assert.equal(events.filter((event) => event.event === "content_block_start").length, 2);
});
