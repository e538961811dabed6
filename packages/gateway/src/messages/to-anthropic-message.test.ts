import { test } from "node:test";
import assert from "node:assert/strict";
import type { ChatCompletion } from "@aigateway/protocol";
import { parseToolInput, toAnthropicMessage } from "./to-anthropic-message.ts";

function completion(message: Record<string, unknown>, finishReason: string): ChatCompletion {
  return {
    id: "chatcmpl-1",
    object: "chat.completion",
    created: 1,
    model: "m/x",
    choices: [{ index: 0, message: { role: "assistant", ...message }, finish_reason: finishReason }],
    usage: {
      prompt_tokens: 50,
      completion_tokens: 10,
      total_tokens: 60,
      prompt_tokens_details: { cached_tokens: 20, cache_write_tokens: 5 },
      cost: 0.001,
    },
  };
}

test("text answer: one text block, end_turn, usage split as Anthropic counts it", () => {
  const message = toAnthropicMessage(completion({ content: "Hi!" }, "stop"), "claude-haiku-4-5", "msg_1");
  assert.deepEqual(message, {
    id: "msg_1",
    type: "message",
    role: "assistant",
    model: "claude-haiku-4-5",
    content: [{ type: "text", text: "Hi!" }],
    stop_reason: "end_turn",
    stop_sequence: null,
    usage: {
      input_tokens: 25,
      output_tokens: 10,
      cache_creation_input_tokens: 5,
      cache_read_input_tokens: 20,
    },
  });
});

test("tool calls become tool_use blocks with parsed input", () => {
  const message = toAnthropicMessage(
    completion(
      {
        content: null,
        tool_calls: [
          { id: "call_1", type: "function", function: { name: "lookup", arguments: '{"q":"x"}' } },
          { id: "call_2", type: "function", function: { name: "noop", arguments: "" } },
        ],
      },
      "tool_calls",
    ),
    "m",
    "msg_2",
  );
  assert.deepEqual(message.content, [
    { type: "tool_use", id: "call_1", name: "lookup", input: { q: "x" } },
    { type: "tool_use", id: "call_2", name: "noop", input: {} },
  ]);
  assert.equal(message.stop_reason, "tool_use");
});

test("reasoning_details become thinking blocks with their signatures; reasoning_content alone has none", () => {
  const signed = toAnthropicMessage(
    completion(
      {
        content: "4",
        reasoning_content: "Sum.",
        reasoning_details: [
          { type: "reasoning.text", text: "Su", format: "anthropic-claude-v1", index: 0 },
          { type: "reasoning.text", text: "m.", signature: "sig", format: "anthropic-claude-v1", index: 0 },
          { type: "reasoning.encrypted", data: "opaque", format: "anthropic-claude-v1" },
        ],
      },
      "stop",
    ),
    "m",
    "msg_3",
  );
  assert.deepEqual(signed.content, [
    { type: "thinking", thinking: "Sum.", signature: "sig" },
    { type: "redacted_thinking", data: "opaque" },
    { type: "text", text: "4" },
  ]);
  const plain = toAnthropicMessage(
    completion({ content: "4", reasoning_content: "Sum." }, "stop"),
    "m",
    "msg_4",
  );
  assert.deepEqual(plain.content, [
    { type: "thinking", thinking: "Sum.", signature: "" },
    { type: "text", text: "4" },
  ]);
});

test("maps finish reasons and keeps an empty answer readable", () => {
  assert.equal(
    toAnthropicMessage(completion({ content: "x" }, "length"), "m", "i").stop_reason,
    "max_tokens",
  );
  assert.equal(
    toAnthropicMessage(completion({ content: "" }, "content_filter"), "m", "i").stop_reason,
    "refusal",
  );
  assert.deepEqual(toAnthropicMessage(completion({ content: "" }, "stop"), "m", "i").content, [
    { type: "text", text: "" },
  ]);
});

test("parses tool arguments into an object and keeps unparsable ones", () => {
  assert.deepEqual(parseToolInput('{"a":1}'), { a: 1 });
  assert.deepEqual(parseToolInput(""), {});
  assert.deepEqual(parseToolInput("[1]"), { value: [1] });
  assert.deepEqual(parseToolInput('{"a":'), { arguments: '{"a":' });
});
