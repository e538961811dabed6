import { test } from "node:test";
import assert from "node:assert/strict";
import { fromCohereChatResponse, normalizeToolArguments } from "./from-cohere-chat-response.ts";
import { mapCohereFinishReason } from "./map-cohere-finish-reason.ts";
import { readCohereUsage } from "./read-cohere-usage.ts";

test("reads text, thinking, the tool plan, tool calls and citations", () => {
  const { completion, usage } = fromCohereChatResponse(
    {
      id: "gen-1",
      finish_reason: "TOOL_CALL",
      message: {
        role: "assistant",
        content: [{ type: "thinking", thinking: "Need the time." }],
        tool_plan: "I will call currentTime.",
        tool_calls: [
          { id: "t1", type: "function", function: { name: "currentTime", arguments: "null" } },
          { id: "t2", type: "function", function: { name: "weather", arguments: '{"city":"Paris"}' } },
        ],
        citations: [{ start: 0, end: 1, text: "I", sources: [] }],
      },
      usage: {
        billed_units: { input_tokens: 46, output_tokens: 14 },
        tokens: { input_tokens: 1445, output_tokens: 43 },
        cached_tokens: 992,
      },
    },
    "cohere/command-a",
    1700000000,
  );
  const choice = completion.choices[0];
  assert.equal(completion.model, "cohere/command-a");
  assert.equal(completion.id, "gen-1");
  assert.equal(choice?.finish_reason, "tool_calls");
  assert.equal(choice?.message.content, "I will call currentTime.");
  assert.equal(choice?.message.reasoning_content, "Need the time.");
  assert.deepEqual(
    choice?.message.tool_calls?.map((call) => call.function.arguments),
    ["{}", '{"city":"Paris"}'],
  );
  assert.deepEqual(choice?.message.citations, [{ start: 0, end: 1, text: "I", sources: [] }]);
  // Billed units, not model tokens: the cost follows Cohere's invoice.
  assert.deepEqual(usage, {
    promptTokens: 46,
    completionTokens: 14,
    cachedTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
  });
});

test('null, empty and "null" tool arguments become {}', () => {
  assert.equal(normalizeToolArguments(null), "{}");
  assert.equal(normalizeToolArguments(""), "{}");
  assert.equal(normalizeToolArguments(" null "), "{}");
  assert.equal(normalizeToolArguments('{"a":1}'), '{"a":1}');
});

test("maps finish reasons and counts billed units, which are what Cohere invoices", () => {
  assert.equal(mapCohereFinishReason("COMPLETE"), "stop");
  assert.equal(mapCohereFinishReason("STOP_SEQUENCE"), "stop");
  assert.equal(mapCohereFinishReason("MAX_TOKENS"), "length");
  assert.equal(mapCohereFinishReason("ERROR"), "error");
  assert.equal(mapCohereFinishReason("TIMEOUT"), "timeout");
  assert.deepEqual(
    readCohereUsage({ billed_units: { input_tokens: 12, output_tokens: 7 }, cached_tokens: 5 }),
    {
      promptTokens: 12,
      completionTokens: 7,
      cachedTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
    },
  );
});
