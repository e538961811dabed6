import { test } from "node:test";
import assert from "node:assert/strict";
import type { ChatCompletionChunk } from "@aigateway/protocol";
import { createOpenAiCompatibleStreamTransform } from "../openai-compatible/openai-compatible-stream-transform.ts";
import type { ChatStreamItem } from "../provider-adapter.ts";
import { createAzureStreamTransform } from "./azure-stream-transform.ts";

const target = { slug: "openai/gpt-4.1-mini", upstreamModel: "my-deployment" };
const filters = { hate: { filtered: false, severity: "safe" } };
const promptFilterChunk = JSON.stringify({
  choices: [],
  created: 0,
  id: "",
  model: "",
  object: "",
  prompt_filter_results: [{ prompt_index: 0, content_filter_results: filters }],
});
const contentChunk = (delta: Record<string, unknown>, finish: string | null = null) =>
  JSON.stringify({
    choices: [{ content_filter_results: filters, delta, finish_reason: finish, index: 0, logprobs: null }],
    created: 1714036974,
    id: "chatcmpl-1",
    model: "gpt-4.1-mini-2025-04-14",
    object: "chat.completion.chunk",
  });

function run(datas: string[]): ChatStreamItem[] {
  const transform = createAzureStreamTransform(
    createOpenAiCompatibleStreamTransform("azure", target),
    target,
  );
  return [...datas.flatMap((data) => transform.push({ event: undefined, data })), ...transform.end()];
}

const chunks = (items: ChatStreamItem[]): ChatCompletionChunk[] =>
  items.flatMap((item) => (item.type === "chunk" ? [JSON.parse(item.data) as ChatCompletionChunk] : []));

test("holds Azure's choice-less prompt-filter chunk and adds its results to the first real chunk", () => {
  const items = run([
    promptFilterChunk,
    contentChunk({ role: "assistant", content: "" }),
    contentChunk({ content: "Hi" }),
    contentChunk({}, "content_filter"),
    "[DONE]",
  ]);
  const parsed = chunks(items);
  assert.equal(parsed.length, 3);
  assert.deepEqual(parsed[0]?.prompt_filter_results, [{ prompt_index: 0, content_filter_results: filters }]);
  assert.ok(parsed.every((chunk) => chunk.id === "chatcmpl-1" && chunk.model === target.slug));
  assert.deepEqual(parsed[1]?.choices[0]?.content_filter_results, filters);
  assert.equal(parsed[2]?.choices[0]?.finish_reason, "content_filter");
  assert.ok(!items.some((item) => item.type === "error"));
});

test("gives a blank-envelope chunk with choices the stream's id and model", () => {
  const annotation = JSON.stringify({
    choices: [{ index: 0, delta: {}, finish_reason: null, content_filter_results: filters }],
    created: 0,
    id: "",
    model: "",
    object: "",
  });
  const parsed = chunks(
    run([contentChunk({ role: "assistant", content: "x" }), annotation, contentChunk({}, "stop")]),
  );
  assert.equal(parsed[1]?.id, "chatcmpl-1");
  assert.equal(parsed[1]?.object, "chat.completion.chunk");
  assert.equal(parsed[1]?.model, target.slug);
  assert.equal(parsed[1]?.created, 1714036974);
});

test("a stream that is only a prompt-filter chunk still ends as truncated", () => {
  const items = run([promptFilterChunk]);
  assert.equal(items.at(-1)?.type, "error");
});
