import { test } from "node:test";
import assert from "node:assert/strict";
import { suggestSimilarSlugs } from "./suggest-similar-slugs.ts";

const slugs = ["openai/gpt-4o", "openai/gpt-4o-mini", "groq/llama-3.1-8b", "deepseek/deepseek-chat"];

test("suggests the nearest slugs for a typo", () => {
  assert.equal(suggestSimilarSlugs("openai/gpt-4o-mimi", slugs)[0], "openai/gpt-4o-mini");
});

test("suggests the slug for a bare upstream name", () => {
  assert.equal(suggestSimilarSlugs("deepseek-chat", slugs)[0], "deepseek/deepseek-chat");
});
