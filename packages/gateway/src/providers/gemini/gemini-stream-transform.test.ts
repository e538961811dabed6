import { test } from "node:test";
import assert from "node:assert/strict";
import type { ChatCompletionChunk } from "@aigateway/protocol";
import type { ChatStreamItem } from "../provider-adapter.ts";
import { createGeminiStreamTransform } from "./gemini-stream-transform.ts";

const target = { slug: "google/gemini-test", upstreamModel: "gemini-3-pro-preview" };

function run(events: unknown[]): ChatStreamItem[] {
  const transform = createGeminiStreamTransform("gemini", target);
  const items = events.flatMap((event) => transform.push({ event: undefined, data: JSON.stringify(event) }));
  return [...items, ...transform.end()];
}

const chunks = (items: ChatStreamItem[]): ChatCompletionChunk[] =>
  items.flatMap((item) => (item.type === "chunk" ? [JSON.parse(item.data) as ChatCompletionChunk] : []));

const event = (
  parts: unknown[],
  extra: Record<string, unknown> = {},
  candidate: Record<string, unknown> = {},
) => ({
  candidates: [{ content: { role: "model", parts }, index: 0, ...candidate }],
  responseId: "resp",
  ...extra,
});

test("text, thoughts and the final signature stream as deltas; only the last usage is reported", () => {
  const items = run([
    event([{ text: "Hmm", thought: true }], {
      usageMetadata: { promptTokenCount: 9, thoughtsTokenCount: 5 },
    }),
    event([{ text: "There are" }], { usageMetadata: { promptTokenCount: 9, candidatesTokenCount: 2 } }),
    event(
      [{ text: "", thoughtSignature: "SIG" }],
      {
        usageMetadata: { promptTokenCount: 9, candidatesTokenCount: 23, thoughtsTokenCount: 185 },
      },
      { finishReason: "STOP" },
    ),
  ]);
  const parsed = chunks(items);
  assert.equal(parsed[0]?.id, "chatcmpl-resp");
  assert.equal(parsed[0]?.model, "google/gemini-test");
  assert.deepEqual(parsed[0]?.choices[0]?.delta, {
    role: "assistant",
    reasoning_content: "Hmm",
    reasoning_details: [{ type: "reasoning.text", text: "Hmm", format: "google-gemini-v1", index: 0 }],
  });
  assert.deepEqual(parsed[1]?.choices[0]?.delta, { content: "There are" });
  assert.deepEqual(parsed[2]?.choices[0]?.delta, {
    reasoning_details: [{ type: "reasoning.encrypted", data: "SIG", format: "google-gemini-v1", index: 1 }],
  });
  assert.equal(parsed[2]?.choices[0]?.finish_reason, "stop");
  assert.deepEqual(
    items.filter((item) => item.type === "usage"),
    [
      {
        type: "usage",
        usage: {
          promptTokens: 9,
          completionTokens: 208,
          cachedTokens: 0,
          cacheWriteTokens: 0,
          reasoningTokens: 185,
        },
      },
    ],
  );
});

test("function calls over several events keep increasing indexes; argument-less calls get '{}'", () => {
  const items = run([
    event([{ functionCall: { name: "a", args: { x: 1 } }, thoughtSignature: "SIG" }]),
    event([{ functionCall: { name: "b" } }], {}, { finishReason: "STOP" }),
  ]);
  const calls = chunks(items).flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
  assert.deepEqual(
    calls.map((call) => [call.index, call.function?.name, call.function?.arguments]),
    [
      [0, "a", '{"x":1}'],
      [1, "b", "{}"],
    ],
  );
  const details = chunks(items)[0]?.choices[0]?.delta.reasoning_details;
  assert.equal(details?.[0]?.type === "reasoning.encrypted" ? details[0].id : undefined, calls[0]?.id);
  assert.equal(chunks(items).at(-1)?.choices[0]?.finish_reason, "tool_calls");
});

test("a call whose arguments arrive in pieces (Vertex partialArgs) is one tool call with the whole JSON", () => {
  const items = run([
    event([{ functionCall: { name: "get_weather", willContinue: true } }]),
    event([
      {
        functionCall: {
          partialArgs: [{ jsonPath: "$.location", stringValue: "Bos", willContinue: true }],
          willContinue: true,
        },
      },
    ]),
    event([
      {
        functionCall: {
          partialArgs: [
            { jsonPath: "$.location", stringValue: "ton" },
            { jsonPath: "$.days[0]", numberValue: 2 },
          ],
        },
      },
    ]),
    event([], {}, { finishReason: "STOP" }),
  ]);
  const calls = chunks(items).flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
  assert.deepEqual(
    calls.map((call) => call.index),
    [0, 0],
  );
  assert.equal(calls[0]?.function?.name, "get_weather");
  assert.deepEqual(JSON.parse(calls.map((call) => call.function?.arguments ?? "").join("")), {
    location: "Boston",
    days: [2],
  });
});

test("a blocked prompt ends the stream with content_filter and a refusal", () => {
  const items = run([{ promptFeedback: { blockReason: "SAFETY" }, usageMetadata: { promptTokenCount: 4 } }]);
  const choice = chunks(items)[0]?.choices[0];
  assert.equal(choice?.finish_reason, "content_filter");
  assert.match(String(choice?.delta.refusal), /SAFETY/);
  assert.equal(items.at(-1)?.type, "usage");
});

test("in-stream errors, failed generations and truncated streams are errors, never success", () => {
  const errored = run([
    event([{ text: "Hi" }]),
    { error: { code: 503, message: "overloaded", status: "UNAVAILABLE" } },
  ]);
  assert.ok(errored.some((item) => item.type === "error" && /overloaded/.test(item.error.message)));
  const malformed = run([event([], {}, { finishReason: "MALFORMED_FUNCTION_CALL" })]);
  assert.ok(malformed.some((item) => item.type === "error" && item.error.status === 502));
  const truncated = run([event([{ text: "Hi" }])]);
  assert.equal(truncated.at(-1)?.type, "error");
});
