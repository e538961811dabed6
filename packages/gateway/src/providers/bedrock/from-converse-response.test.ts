import { test } from "node:test";
import assert from "node:assert/strict";
import { UpstreamError } from "@aigateway/protocol";
import { fromConverseResponse } from "./from-converse-response.ts";

const claude = { slug: "anthropic/claude", upstreamModel: "us.anthropic.claude-3-7-sonnet-20250219-v1:0" };
const nova = { slug: "amazon/nova", upstreamModel: "us.amazon.nova-micro-v1:0" };

test("reads text, signed reasoning, tool calls and the stop reason", () => {
  const { completion, unchangedFromUpstream } = fromConverseResponse(
    "bedrock",
    {
      output: {
        message: {
          role: "assistant",
          content: [
            { reasoningContent: { reasoningText: { text: "Think.", signature: "sig" } } },
            { reasoningContent: { redactedContent: "cmVk" } },
            { text: "Let me check." },
            { toolUse: { toolUseId: "tooluse_1", name: "get_country", input: { a: 1 } } },
          ],
        },
      },
      stopReason: "tool_use",
      usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 },
    },
    claude,
  );
  assert.equal(unchangedFromUpstream, false);
  assert.equal(completion.model, "anthropic/claude");
  const choice = completion.choices[0];
  assert.equal(choice?.finish_reason, "tool_calls");
  assert.equal(choice?.message.content, "Let me check.");
  assert.equal(choice?.message.reasoning_content, "Think.");
  assert.deepEqual(choice?.message.reasoning_details, [
    { type: "reasoning.text", text: "Think.", signature: "sig", format: "anthropic-claude-v1", index: 0 },
    { type: "reasoning.encrypted", data: "cmVk", format: "anthropic-claude-v1", index: 1 },
  ]);
  assert.deepEqual(choice?.message.tool_calls, [
    { id: "tooluse_1", type: "function", function: { name: "get_country", arguments: '{"a":1}' } },
  ]);
});

test("maps every stop reason and labels other models' reasoning as Converse's", () => {
  const cases = {
    end_turn: "stop",
    stop_sequence: "stop",
    max_tokens: "length",
    tool_use: "tool_calls",
    content_filtered: "content_filter",
    guardrail_intervened: "content_filter",
  };
  for (const [stopReason, finishReason] of Object.entries(cases)) {
    const { completion } = fromConverseResponse(
      "bedrock",
      {
        output: { message: { content: [{ reasoningContent: { reasoningText: { text: "t" } } }] } },
        stopReason,
      },
      nova,
    );
    assert.equal(completion.choices[0]?.finish_reason, finishReason);
    assert.equal(completion.choices[0]?.message.reasoning_details?.[0]?.format, "bedrock-converse-v1");
  }
});

test("counts cache reads and writes into the prompt tokens", () => {
  const { usage } = fromConverseResponse(
    "bedrock",
    {
      output: { message: { content: [{ text: "x" }] } },
      stopReason: "end_turn",
      usage: { inputTokens: 20, outputTokens: 7, cacheReadInputTokens: 100, cacheWriteInputTokens: 30 },
    },
    nova,
  );
  assert.deepEqual(usage, {
    promptTokens: 150,
    completionTokens: 7,
    cachedTokens: 100,
    cacheWriteTokens: 30,
    reasoningTokens: 0,
  });
});

test("rejects a body without output.message.content as a provider error", () => {
  assert.throws(
    () => fromConverseResponse("bedrock", { message: "?" }, nova),
    (error: unknown) => error instanceof UpstreamError && error.status === 502,
  );
});
