import { test } from "node:test";
import assert from "node:assert/strict";
import type { ChatCompletionChunk } from "@aigateway/protocol";
import type { ChatStreamItem } from "../provider-adapter.ts";
import { createAnthropicStreamTransform } from "./anthropic-stream-transform.ts";

const target = { slug: "anthropic/claude-test", upstreamModel: "claude-test-1" };

function run(events: object[], jsonToolName?: string, complete = true): ChatStreamItem[] {
  const transform = createAnthropicStreamTransform("anthropic", target, jsonToolName);
  const all = [
    {
      type: "message_start",
      message: { id: "msg_1", usage: { input_tokens: 10, cache_read_input_tokens: 5 } },
    },
    ...events,
    ...(complete ? [{ type: "message_stop" }] : []),
  ];
  const items = all.flatMap((event) => transform.push({ event: undefined, data: JSON.stringify(event) }));
  return [...items, ...transform.end()];
}

const deltas = (items: ChatStreamItem[]) =>
  items.flatMap((item) =>
    item.type === "chunk" ? [(JSON.parse(item.data) as ChatCompletionChunk).choices[0]] : [],
  );

test("numbers tool calls from 0 in block order, streams their arguments and closes argument-less calls", () => {
  const items = run([
    { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
    { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Sure." } },
    { type: "content_block_stop", index: 0 },
    {
      type: "content_block_start",
      index: 1,
      content_block: { type: "tool_use", id: "toolu_a", name: "a", input: {} },
    },
    { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: "" } },
    { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: '{"x":' } },
    { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: "1}" } },
    { type: "content_block_stop", index: 1 },
    {
      type: "content_block_start",
      index: 2,
      content_block: { type: "tool_use", id: "toolu_b", name: "b", input: {} },
    },
    { type: "content_block_stop", index: 2 },
    { type: "message_delta", delta: { stop_reason: "tool_use" }, usage: { output_tokens: 20 } },
  ]);
  const calls = deltas(items).flatMap((choice) => choice?.delta.tool_calls ?? []);
  assert.deepEqual(calls, [
    { index: 0, id: "toolu_a", type: "function", function: { name: "a", arguments: "" } },
    { index: 0, function: { arguments: '{"x":' } },
    { index: 0, function: { arguments: "1}" } },
    { index: 1, id: "toolu_b", type: "function", function: { name: "b", arguments: "" } },
    { index: 1, function: { arguments: "{}" } },
  ]);
  assert.equal(deltas(items).at(-1)?.finish_reason, "tool_calls");
  assert.deepEqual(
    items.find((item) => item.type === "usage"),
    {
      type: "usage",
      usage: {
        promptTokens: 15,
        completionTokens: 20,
        cachedTokens: 5,
        cacheWriteTokens: 0,
        reasoningTokens: 0,
      },
    },
  );
});

test("streams thinking as reasoning_content and reasoning_details, with the signature and redacted thinking", () => {
  const items = run([
    {
      type: "content_block_start",
      index: 0,
      content_block: { type: "thinking", thinking: "", signature: "" },
    },
    { type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "Hmm" } },
    { type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "" } },
    { type: "content_block_delta", index: 0, delta: { type: "signature_delta", signature: "sig" } },
    { type: "content_block_stop", index: 0 },
    { type: "content_block_start", index: 1, content_block: { type: "redacted_thinking", data: "opaque" } },
    { type: "content_block_stop", index: 1 },
    { type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 3 } },
  ]);
  const pieces = deltas(items).map((choice) => choice?.delta);
  assert.deepEqual(pieces.slice(1, 4), [
    {
      reasoning_content: "Hmm",
      reasoning_details: [{ type: "reasoning.text", text: "Hmm", format: "anthropic-claude-v1", index: 0 }],
    },
    {
      reasoning_details: [
        { type: "reasoning.text", text: "", signature: "sig", format: "anthropic-claude-v1", index: 0 },
      ],
    },
    {
      reasoning_details: [
        { type: "reasoning.encrypted", data: "opaque", format: "anthropic-claude-v1", index: 1 },
      ],
    },
  ]);
});

test("in JSON mode the forced tool's arguments are the content and the finish reason is stop", () => {
  const items = run(
    [
      {
        type: "content_block_start",
        index: 0,
        content_block: { type: "tool_use", id: "t", name: "json", input: {} },
      },
      { type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: '{"a":1}' } },
      { type: "content_block_stop", index: 0 },
      { type: "message_delta", delta: { stop_reason: "tool_use" }, usage: { output_tokens: 3 } },
    ],
    "json",
  );
  const choices = deltas(items);
  assert.equal(choices.map((choice) => choice?.delta.content ?? "").join(""), '{"a":1}');
  assert.ok(choices.every((choice) => choice?.delta.tool_calls === undefined));
  assert.equal(choices.at(-1)?.finish_reason, "stop");
});

test("an error event becomes an error item after the usage known so far", () => {
  const items = run(
    [
      { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
      { type: "error", error: { type: "overloaded_error", message: "Overloaded" } },
    ],
    undefined,
    false,
  );
  const errorIndex = items.findIndex((item) => item.type === "error");
  const error = items[errorIndex];
  assert.equal(error?.type === "error" && error.error.status, 503);
  assert.match(error?.type === "error" ? error.error.message : "", /Overloaded/);
  assert.equal(items[errorIndex - 1]?.type, "usage");
});

test("a stream that ends without message_stop is a truncation error", () => {
  const items = run(
    [{ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }],
    undefined,
    false,
  );
  const last = items.at(-1);
  assert.equal(last?.type, "error");
  assert.match(last?.type === "error" ? last.error.message : "", /message_stop/);
});

test("maps stop reasons: max_tokens → length, refusal → content_filter", () => {
  assert.equal(
    deltas(run([{ type: "message_delta", delta: { stop_reason: "max_tokens" } }])).at(-1)?.finish_reason,
    "length",
  );
  assert.equal(
    deltas(run([{ type: "message_delta", delta: { stop_reason: "refusal" } }])).at(-1)?.finish_reason,
    "content_filter",
  );
});
