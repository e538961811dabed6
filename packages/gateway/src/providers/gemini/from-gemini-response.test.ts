import { test } from "node:test";
import assert from "node:assert/strict";
import { UpstreamError } from "@aigateway/protocol";
import { fromGeminiResponse } from "./from-gemini-response.ts";
import { mapGeminiFinishReason } from "./map-gemini-finish-reason.ts";
import { readGeminiUsage } from "./read-gemini-usage.ts";

const target = { slug: "google/gemini-test", upstreamModel: "gemini-3-pro-preview" };

test("thought parts become reasoning_content, signatures reasoning_details, usage counts thoughts as output", () => {
  const { completion, usage } = fromGeminiResponse(
    "gemini",
    {
      candidates: [
        {
          content: {
            role: "model",
            parts: [
              { text: "Let me think.", thought: true },
              { text: "Answer.", thoughtSignature: "SIG" },
            ],
          },
          finishReason: "STOP",
          index: 0,
        },
      ],
      usageMetadata: {
        promptTokenCount: 29,
        candidatesTokenCount: 736,
        thoughtsTokenCount: 1001,
        cachedContentTokenCount: 4,
      },
      responseId: "resp1",
    },
    target,
  );
  const choice = completion.choices[0];
  assert.equal(completion.id, "chatcmpl-resp1");
  assert.equal(completion.model, "google/gemini-test");
  assert.equal(choice?.message.content, "Answer.");
  assert.equal(choice?.message.reasoning_content, "Let me think.");
  assert.deepEqual(choice?.message.reasoning_details, [
    { type: "reasoning.text", text: "Let me think.", format: "google-gemini-v1", index: 0 },
    { type: "reasoning.encrypted", data: "SIG", format: "google-gemini-v1", index: 1 },
  ]);
  assert.equal(choice?.finish_reason, "stop");
  assert.deepEqual(usage, {
    promptTokens: 29,
    completionTokens: 1737,
    cachedTokens: 4,
    cacheWriteTokens: 0,
    reasoningTokens: 1001,
  });
  assert.deepEqual(completion.usage?.completion_tokens_details, { reasoning_tokens: 1001 });
});

test("function calls get stable ids, '{}' when argument-less, signature tied to the call id", () => {
  const body = {
    candidates: [
      {
        content: {
          parts: [
            { functionCall: { name: "weather", args: { location: "SF" } }, thoughtSignature: "SIG" },
            { functionCall: { name: "now" } },
          ],
        },
        finishReason: "STOP",
      },
    ],
    responseId: "r2",
  };
  const first = fromGeminiResponse("gemini", body, target).completion.choices[0];
  const again = fromGeminiResponse("gemini", structuredClone(body), target).completion.choices[0];
  const calls = first?.message.tool_calls ?? [];
  assert.equal(first?.finish_reason, "tool_calls");
  assert.equal(first?.message.content, null);
  assert.match(calls[0]?.id ?? "", /^call_0_[0-9a-f]{16}$/);
  assert.equal(calls[0]?.id, again?.message.tool_calls?.[0]?.id);
  assert.notEqual(calls[0]?.id, calls[1]?.id);
  assert.deepEqual(
    calls.map((call) => call.function),
    [
      { name: "weather", arguments: '{"location":"SF"}' },
      { name: "now", arguments: "{}" },
    ],
  );
  assert.deepEqual(first?.message.reasoning_details, [
    { type: "reasoning.encrypted", data: "SIG", format: "google-gemini-v1", index: 0, id: calls[0]?.id },
  ]);
});

test("a blocked prompt is a content_filter completion with a refusal, not an empty success", () => {
  const { completion } = fromGeminiResponse(
    "gemini",
    { promptFeedback: { blockReason: "PROHIBITED_CONTENT" }, usageMetadata: { promptTokenCount: 8 } },
    target,
  );
  assert.equal(completion.choices[0]?.finish_reason, "content_filter");
  assert.match(String(completion.choices[0]?.message.refusal), /PROHIBITED_CONTENT/);
});

test("a malformed function call or an unreadable body is a provider error", () => {
  assert.throws(
    () =>
      fromGeminiResponse(
        "gemini",
        {
          candidates: [
            { content: { parts: [] }, finishReason: "MALFORMED_FUNCTION_CALL", finishMessage: "bad" },
          ],
        },
        target,
      ),
    (error: unknown) =>
      error instanceof UpstreamError && error.status === 502 && /MALFORMED_FUNCTION_CALL/.test(error.message),
  );
  assert.throws(() => fromGeminiResponse("gemini", { candidates: [] }, target), UpstreamError);
  assert.throws(() => fromGeminiResponse("gemini", "text", target), UpstreamError);
});

test("finish reasons and usage map as documented", () => {
  assert.equal(mapGeminiFinishReason("MAX_TOKENS", false), "length");
  for (const reason of ["SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII"]) {
    assert.equal(mapGeminiFinishReason(reason, false), "content_filter");
  }
  assert.equal(mapGeminiFinishReason("STOP", true), "tool_calls");
  assert.equal(mapGeminiFinishReason("OTHER", false), "stop");
  assert.deepEqual(
    readGeminiUsage({ promptTokenCount: 10, toolUsePromptTokenCount: 5, candidatesTokenCount: 3 }),
    {
      promptTokens: 15,
      completionTokens: 3,
      cachedTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
    },
  );
});
