import { test } from "node:test";
import assert from "node:assert/strict";
import type { AnthropicResponse } from "./anthropic-wire-types.ts";
import { fromAnthropicResponse } from "./from-anthropic-response.ts";

const base = { id: "msg_1", type: "message" as const, role: "assistant" as const, model: "claude-x" };

test("joins text, lists tool calls, keeps thinking with its signature and redacted thinking", () => {
  const response: AnthropicResponse = {
    ...base,
    content: [
      { type: "thinking", thinking: "Plan.", signature: "sig" },
      { type: "redacted_thinking", data: "opaque" },
      { type: "text", text: "Calling." },
      { type: "tool_use", id: "toolu_1", name: "lookup", input: { q: "x" } },
    ],
    stop_reason: "tool_use",
    usage: {
      input_tokens: 10,
      cache_read_input_tokens: 100,
      cache_creation_input_tokens: 20,
      output_tokens: 7,
      output_tokens_details: { thinking_tokens: 4 },
    },
  };
  const { completion, usage } = fromAnthropicResponse(response, "anthropic/x", undefined, 1);
  const choice = completion.choices[0];
  assert.equal(choice?.finish_reason, "tool_calls");
  assert.equal(choice?.message.content, "Calling.");
  assert.equal(choice?.message.reasoning_content, "Plan.");
  assert.deepEqual(choice?.message.reasoning_details, [
    { type: "reasoning.text", text: "Plan.", signature: "sig", format: "anthropic-claude-v1", index: 0 },
    { type: "reasoning.encrypted", data: "opaque", format: "anthropic-claude-v1", index: 1 },
  ]);
  assert.deepEqual(choice?.message.tool_calls, [
    { id: "toolu_1", type: "function", function: { name: "lookup", arguments: '{"q":"x"}' } },
  ]);
  assert.deepEqual(usage, {
    promptTokens: 130,
    completionTokens: 7,
    cachedTokens: 100,
    cacheWriteTokens: 20,
    reasoningTokens: 4,
  });
  assert.deepEqual(completion.usage, {
    prompt_tokens: 130,
    completion_tokens: 7,
    total_tokens: 137,
    prompt_tokens_details: { cached_tokens: 100, cache_write_tokens: 20 },
    completion_tokens_details: { reasoning_tokens: 4 },
  });
  assert.equal(completion.model, "anthropic/x");
});

test("a tool-only answer has null content; the JSON-mode tool becomes content with finish stop", () => {
  const toolOnly = fromAnthropicResponse(
    { ...base, content: [{ type: "tool_use", id: "t", name: "f", input: {} }], stop_reason: "tool_use" },
    "s",
    undefined,
  );
  assert.equal(toolOnly.completion.choices[0]?.message.content, null);
  assert.equal(toolOnly.completion.choices[0]?.message.tool_calls?.[0]?.function.arguments, "{}");

  const json = fromAnthropicResponse(
    {
      ...base,
      content: [{ type: "tool_use", id: "t", name: "json", input: { a: 1 } }],
      stop_reason: "tool_use",
    },
    "s",
    "json",
  );
  assert.equal(json.completion.choices[0]?.message.content, '{"a":1}');
  assert.equal(json.completion.choices[0]?.message.tool_calls, undefined);
  assert.equal(json.completion.choices[0]?.finish_reason, "stop");
});
