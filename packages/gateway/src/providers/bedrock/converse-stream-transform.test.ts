import { test } from "node:test";
import assert from "node:assert/strict";
import type { ChatCompletionChunk } from "@aigateway/protocol";
import type { ChatStreamItem } from "../provider-adapter.ts";
import { createConverseStreamTransform } from "./converse-stream-transform.ts";

const target = { slug: "anthropic/claude", upstreamModel: "us.anthropic.claude-sonnet-4-20250514-v1:0" };

function run(events: [string, unknown][]): ChatStreamItem[] {
  const transform = createConverseStreamTransform("bedrock", target);
  const items = events.flatMap(([event, payload]) =>
    transform.push({ event, data: typeof payload === "string" ? payload : JSON.stringify(payload) }),
  );
  return [...items, ...transform.end()];
}

const deltas = (items: ChatStreamItem[]) =>
  items.flatMap((item) =>
    item.type === "chunk" ? [(JSON.parse(item.data) as ChatCompletionChunk).choices[0]] : [],
  );

test("streams text with the role first, the finish reason last and usage from metadata", () => {
  const items = run([
    ["messageStart", { role: "assistant" }],
    ["contentBlockDelta", { contentBlockIndex: 0, delta: { text: "Hel" } }],
    ["contentBlockDelta", { contentBlockIndex: 0, delta: { text: "lo" } }],
    ["contentBlockStop", { contentBlockIndex: 0 }],
    ["messageStop", { stopReason: "max_tokens" }],
    ["metadata", { usage: { inputTokens: 3, outputTokens: 2, cacheReadInputTokens: 4 } }],
  ]);
  const choices = deltas(items);
  assert.equal(choices[0]?.delta.role, "assistant");
  assert.equal(choices.map((choice) => choice?.delta.content ?? "").join(""), "Hello");
  assert.equal(choices.at(-1)?.finish_reason, "length");
  assert.deepEqual(
    items.find((item) => item.type === "usage"),
    {
      type: "usage",
      usage: {
        promptTokens: 7,
        completionTokens: 2,
        cachedTokens: 4,
        cacheWriteTokens: 0,
        reasoningTokens: 0,
      },
    },
  );
  const chunk = items.find((item) => item.type === "chunk");
  assert.equal(
    chunk?.type === "chunk" && (JSON.parse(chunk.data) as ChatCompletionChunk).model,
    "anthropic/claude",
  );
});

test("gives tool calls 0-based indexes with the id and name first, then argument fragments", () => {
  const items = run([
    ["messageStart", { role: "assistant" }],
    ["contentBlockDelta", { contentBlockIndex: 0, delta: { text: "Let me check." } }],
    ["contentBlockStart", { contentBlockIndex: 1, start: { toolUse: { toolUseId: "t1", name: "weather" } } }],
    ["contentBlockDelta", { contentBlockIndex: 1, delta: { toolUse: { input: '{"city":' } } }],
    ["contentBlockDelta", { contentBlockIndex: 1, delta: { toolUse: { input: '"Paris"}' } } }],
    ["contentBlockStart", { contentBlockIndex: 2, start: { toolUse: { toolUseId: "t2", name: "time" } } }],
    ["contentBlockDelta", { contentBlockIndex: 2, delta: { toolUse: { input: "{}" } } }],
    ["messageStop", { stopReason: "tool_use" }],
  ]);
  const calls = deltas(items).flatMap((choice) => choice?.delta.tool_calls ?? []);
  assert.deepEqual(calls, [
    { index: 0, id: "t1", type: "function", function: { name: "weather", arguments: "" } },
    { index: 0, function: { arguments: '{"city":' } },
    { index: 0, function: { arguments: '"Paris"}' } },
    { index: 1, id: "t2", type: "function", function: { name: "time", arguments: "" } },
    { index: 1, function: { arguments: "{}" } },
  ]);
  assert.equal(deltas(items).at(-1)?.finish_reason, "tool_calls");
});

test("streams reasoning text and its signature as reasoning_details of the block's index", () => {
  const items = run([
    ["messageStart", { role: "assistant" }],
    ["contentBlockDelta", { contentBlockIndex: 0, delta: { reasoningContent: { text: "Hmm" } } }],
    ["contentBlockDelta", { contentBlockIndex: 0, delta: { reasoningContent: { signature: "sig" } } }],
    ["contentBlockDelta", { contentBlockIndex: 1, delta: { reasoningContent: { redactedContent: "cmVk" } } }],
    ["messageStop", { stopReason: "end_turn" }],
  ]);
  const choices = deltas(items);
  assert.equal(choices.map((choice) => choice?.delta.reasoning_content ?? "").join(""), "Hmm");
  assert.deepEqual(
    choices.flatMap((choice) => choice?.delta.reasoning_details ?? []),
    [
      { type: "reasoning.text", text: "Hmm", format: "anthropic-claude-v1", index: 0 },
      { type: "reasoning.text", text: "", signature: "sig", format: "anthropic-claude-v1", index: 0 },
      { type: "reasoning.encrypted", data: "cmVk", format: "anthropic-claude-v1", index: 1 },
    ],
  );
});

test("turns exception events into errors with the status of their type", () => {
  const statuses = {
    throttlingException: 429,
    validationException: 400,
    serviceUnavailableException: 503,
    modelStreamErrorException: 502,
    internalServerException: 502,
    modelTimeoutException: 504,
  };
  for (const [type, status] of Object.entries(statuses)) {
    const items = run([
      ["messageStart", { role: "assistant" }],
      [`exception:${type}`, { message: "went wrong" }],
    ]);
    const error = items.find((item) => item.type === "error");
    assert.equal(error?.type === "error" && error.error.status, status, type);
    assert.match(error?.type === "error" ? error.error.message : "", /went wrong/);
  }
});

test("reports a stream that ends before messageStop, and a malformed payload, as errors", () => {
  const truncated = run([
    ["messageStart", { role: "assistant" }],
    ["contentBlockDelta", { contentBlockIndex: 0, delta: { text: "Hi" } }],
  ]);
  assert.equal(truncated.at(-1)?.type, "error");
  const malformed = run([["messageStart", "{not json"]]);
  assert.equal(malformed[0]?.type, "error");
});
