import { test } from "node:test";
import assert from "node:assert/strict";
import type { ChatCompletionChunk } from "@aigateway/protocol";
import type { ChatStreamItem } from "../provider-adapter.ts";
import { createCohereStreamTransform } from "./cohere-stream-transform.ts";

const target = { slug: "cohere/command-a", upstreamModel: "command-a" };

function run(events: unknown[], options: { end?: boolean } = {}): ChatStreamItem[] {
  const transform = createCohereStreamTransform("cohere", target);
  const items = events.flatMap((event) =>
    transform.push({ event: undefined, data: typeof event === "string" ? event : JSON.stringify(event) }),
  );
  return options.end === false ? items : [...items, ...transform.end()];
}

const chunks = (items: ChatStreamItem[]): ChatCompletionChunk[] =>
  items.flatMap((item) => (item.type === "chunk" ? [JSON.parse(item.data) as ChatCompletionChunk] : []));
const deltas = (items: ChatStreamItem[]) => chunks(items).map((chunk) => chunk.choices[0]?.delta ?? {});

const start = { id: "gen-1", type: "message-start", delta: { message: { role: "assistant" } } };
const end = (finish_reason: string, extra: Record<string, unknown> = {}) => ({
  type: "message-end",
  delta: { finish_reason, usage: { tokens: { input_tokens: 10, output_tokens: 4 } }, ...extra },
});

test("streams thinking as reasoning_content and text as content, then finish and usage", () => {
  const items = run([
    start,
    { type: "content-start", index: 0, delta: { message: { content: { type: "thinking", thinking: "" } } } },
    { type: "content-delta", index: 0, delta: { message: { content: { thinking: "Hmm." } } } },
    { type: "content-end", index: 0 },
    { type: "content-delta", index: 1, delta: { message: { content: { text: "Paris" } } } },
    end("COMPLETE"),
    "[DONE]",
  ]);
  assert.deepEqual(deltas(items), [
    { role: "assistant", content: "" },
    { reasoning_content: "Hmm." },
    { content: "Paris" },
    {},
  ]);
  assert.ok(chunks(items).every((chunk) => chunk.id === "gen-1" && chunk.model === "cohere/command-a"));
  assert.equal(chunks(items).at(-1)?.choices[0]?.finish_reason, "stop");
  assert.deepEqual(items.at(-1), {
    type: "usage",
    usage: {
      promptTokens: 10,
      completionTokens: 4,
      cachedTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
    },
  });
});

test("gives tool calls stable indexes and turns null arguments into {}", () => {
  const call = (index: number, id: string, name: string) => ({
    type: "tool-call-start",
    index,
    delta: { message: { tool_calls: { id, type: "function", function: { name, arguments: "" } } } },
  });
  const args = (index: number, text: string) => ({
    type: "tool-call-delta",
    index,
    delta: { message: { tool_calls: { function: { arguments: text } } } },
  });
  const items = run([
    start,
    { type: "tool-plan-delta", delta: { message: { tool_plan: "I will check." } } },
    call(0, "a", "currentTime"),
    args(0, "nu"),
    args(0, "ll"),
    { type: "tool-call-end", index: 0 },
    call(1, "b", "weather"),
    args(1, '{"city"'),
    args(1, ':"Paris"}'),
    { type: "tool-call-end", index: 1 },
    end("TOOL_CALL"),
  ]);
  const calls = deltas(items).flatMap((delta) => delta.tool_calls ?? []);
  assert.deepEqual(
    calls.map((call) => call.index),
    [0, 0, 1, 1, 1],
  );
  const argumentsFor = (index: number) =>
    calls
      .filter((call) => call.index === index)
      .map((call) => call.function?.arguments ?? "")
      .join("");
  assert.equal(argumentsFor(0), "{}");
  assert.equal(argumentsFor(1), '{"city":"Paris"}');
  assert.equal(deltas(items)[1]?.content, "I will check.");
  assert.equal(chunks(items).at(-1)?.choices[0]?.finish_reason, "tool_calls");
});

test("passes citations on the delta", () => {
  const citation = { start: 0, end: 5, text: "Paris", sources: [{ type: "document", id: "doc:0" }] };
  const items = run([
    start,
    { type: "citation-start", index: 0, delta: { message: { citations: citation } } },
    { type: "citation-end", index: 0 },
    end("COMPLETE"),
  ]);
  assert.deepEqual(deltas(items)[1], { citations: [citation] });
});

test("turns vendor errors and truncated streams into error items", () => {
  const failed = run([start, end("ERROR", { error: "model overloaded" })]);
  assert.ok(failed.some((item) => item.type === "error" && /model overloaded/.test(item.error.message)));
  assert.ok(!failed.some((item) => item.type === "usage"));
  const errorBody = run([start, { message: "internal server error" }], { end: false });
  assert.ok(
    errorBody.some((item) => item.type === "error" && /internal server error/.test(item.error.message)),
  );
  const malformed = run([start, "{not json"], { end: false });
  assert.equal(malformed.at(-1)?.type, "error");
  const truncated = run([
    start,
    { type: "content-delta", index: 0, delta: { message: { content: { text: "x" } } } },
  ]);
  assert.equal(truncated.at(-1)?.type, "error");
});
