import { test } from "node:test";
import assert from "node:assert/strict";
import type { ChatCompletionChunk } from "@aigateway/protocol";
import type { ChatStreamItem } from "../provider-adapter.ts";
import { createOpenAiCompatibleStreamTransform } from "./openai-compatible-stream-transform.ts";

const target = { slug: "lab/model", upstreamModel: "model-v1" };

function chunk(delta: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    id: "c1",
    object: "chat.completion.chunk",
    created: 1,
    model: "model-v1-2026",
    choices: [{ index: 0, delta, finish_reason: null }],
    ...extra,
  });
}

function run(datas: string[]): ChatStreamItem[] {
  const transform = createOpenAiCompatibleStreamTransform("vendor", target);
  const items = datas.flatMap((data) => transform.push({ event: undefined, data }));
  return [...items, ...transform.end()];
}

const parsedChunks = (items: ChatStreamItem[]): ChatCompletionChunk[] =>
  items.flatMap((item) => (item.type === "chunk" ? [JSON.parse(item.data) as ChatCompletionChunk] : []));

test("adds the role a vendor left out of the first chunk and reports the slug as model", () => {
  const items = run([chunk({ content: "Hi" }), chunk({ content: " there" }), "[DONE]"]);
  const chunks = parsedChunks(items);
  assert.equal(chunks[0]?.choices[0]?.delta.role, "assistant");
  assert.ok(chunks.every((parsed) => parsed.model === "lab/model"));
});

test("gives tool calls 0-based indexes when a vendor omits or offsets them", () => {
  const items = run([
    chunk({ role: "assistant", content: null }),
    chunk({ tool_calls: [{ index: 3, id: "a", type: "function", function: { name: "f", arguments: "" } }] }),
    chunk({ tool_calls: [{ index: 3, function: { arguments: '{"x":' } }] }),
    chunk({ tool_calls: [{ id: "b", type: "function", function: { name: "g", arguments: "{}" } }] }),
    chunk({ tool_calls: [{ function: { arguments: "1}" } }] }),
    chunk({}, { choices: [{ index: 0, delta: {}, finish_reason: "tool_calls" }] }),
    "[DONE]",
  ]);
  const indexes = parsedChunks(items).flatMap((parsed) =>
    (parsed.choices[0]?.delta.tool_calls ?? []).map((call) => call.index),
  );
  assert.deepEqual(indexes, [0, 0, 1, 1]);
});

test("takes usage out of content chunks and reports it once", () => {
  const items = run([
    chunk({ role: "assistant", content: "x" }),
    chunk(
      {},
      {
        choices: [{ index: 0, delta: {}, finish_reason: "stop" }],
        usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
      },
    ),
    "[DONE]",
  ]);
  assert.deepEqual(
    items.filter((item) => item.type === "usage"),
    [
      {
        type: "usage",
        usage: {
          promptTokens: 3,
          completionTokens: 1,
          cachedTokens: 0,
          cacheWriteTokens: 0,
          reasoningTokens: 0,
        },
      },
    ],
  );
  assert.ok(parsedChunks(items).every((parsed) => parsed.usage === undefined));
});

test("turns an in-stream error into an error item and a truncated stream into an error", () => {
  const errored = run([
    chunk({ role: "assistant", content: "x" }),
    JSON.stringify({ error: { message: "boom" } }),
  ]);
  assert.ok(errored.some((item) => item.type === "error" && /boom/.test(item.error.message)));
  const truncated = run([chunk({ role: "assistant", content: "x" })]);
  assert.equal(truncated.at(-1)?.type, "error");
});

test("turns Mistral's thinking and text chunk lists into reasoning_content and string content", () => {
  const thinking = (text: string) => [{ type: "thinking", thinking: [{ type: "text", text }] }];
  const items = run([
    chunk({ role: "assistant", content: thinking("The user") }),
    chunk({ content: thinking(" asks.") }),
    chunk({ content: [{ type: "text", text: "4" }] }),
    chunk({ content: "" }, { choices: [{ index: 0, delta: { content: "" }, finish_reason: "stop" }] }),
    "[DONE]",
  ]);
  const deltas = parsedChunks(items).map((parsed) => parsed.choices[0]?.delta);
  assert.deepEqual(
    deltas.map((delta) => delta?.reasoning_content ?? ""),
    ["The user", " asks.", "", ""],
  );
  assert.deepEqual(
    deltas.map((delta) => delta?.content ?? null),
    [null, null, "4", ""],
  );
});
