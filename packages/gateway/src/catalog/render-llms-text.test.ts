import { test } from "node:test";
import assert from "node:assert/strict";
import { createCatalog, readCatalogFile } from "./catalog.ts";
import { renderLlmsFullText, renderLlmsText } from "./render-llms-text.ts";
import { summarizePrice } from "./summarize-price.ts";

const catalog = createCatalog(readCatalogFile());

test("llms.txt lists every model with a price and its capabilities", () => {
  const text = renderLlmsText(catalog);
  assert.match(text, /^# AIgateway/);
  for (const model of catalog.models) assert.ok(text.includes(`\`${model.id}\``), model.id);
  assert.match(
    text,
    /`openai\/gpt-4o-mini` — GPT-4o mini: \$0\.15\/1M input tokens, \$0\.60\/1M output tokens/,
  );
  assert.match(text, /capabilities: tools, vision/);
});

test("llms-full.txt lists every route with its source", () => {
  const text = renderLlmsFullText(catalog);
  for (const model of catalog.models) assert.ok(text.includes(`### ${model.id}`), model.id);
  assert.ok(text.includes("source https://openai.com/api/pricing/"));
  assert.ok(text.length > renderLlmsText(catalog).length);
});

test("prices read as units", () => {
  assert.equal(summarizePrice({ input: "0.02", output: "0" }), "$0.02/1M input tokens");
  assert.equal(summarizePrice({ per_second: "0.4" }), "$0.4/second");
  assert.equal(summarizePrice({ per_1k_characters: "0.015" }), "$0.015/1K characters");
});
