import { test } from "node:test";
import assert from "node:assert/strict";
import { countsReasoningApart, readOpenAiUsage, toOpenAiUsage } from "./read-openai-usage.ts";

test("counts xAI's reasoning tokens, reported beside completion_tokens, as completion", () => {
  // xai/chat-text.json: 12 + 1 + 228 reasoning = 241.
  const xai = {
    prompt_tokens: 12,
    completion_tokens: 1,
    total_tokens: 241,
    completion_tokens_details: { reasoning_tokens: 228 },
  };
  assert.equal(countsReasoningApart(xai), true);
  assert.equal(readOpenAiUsage(xai).completionTokens, 229);
  assert.equal(readOpenAiUsage(xai).reasoningTokens, 228);

  // OpenAI's completion_tokens already includes reasoning.
  const openai = {
    prompt_tokens: 12,
    completion_tokens: 300,
    total_tokens: 312,
    completion_tokens_details: { reasoning_tokens: 256 },
  };
  assert.equal(countsReasoningApart(openai), false);
  assert.equal(readOpenAiUsage(openai).completionTokens, 300);
});

test("reports cache writes in prompt_tokens_details next to cache reads", () => {
  const usage = toOpenAiUsage(
    {
      promptTokens: 1512,
      completionTokens: 30,
      cachedTokens: 500,
      cacheWriteTokens: 1000,
      reasoningTokens: 0,
    },
    0.01,
  );
  assert.deepEqual(usage.prompt_tokens_details, { cached_tokens: 500, cache_write_tokens: 1000 });
  assert.equal(usage.total_tokens, 1542);
});
