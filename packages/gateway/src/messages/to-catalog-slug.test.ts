import { test } from "node:test";
import assert from "node:assert/strict";
import { toCatalogSlug } from "./to-catalog-slug.ts";

const catalog = new Set([
  "anthropic/claude-sonnet-4.5",
  "anthropic/claude-haiku-4.5",
  "anthropic/claude-opus-4",
  "anthropic/claude-3.7-sonnet",
  "anthropic/claude-haiku-3.5",
  "openai/gpt-4o-mini",
]);
const exists = (slug: string): boolean => catalog.has(slug);

test("maps bare Claude names, dated snapshots and -latest aliases to anthropic/ slugs", () => {
  assert.equal(toCatalogSlug("claude-sonnet-4-5", exists), "anthropic/claude-sonnet-4.5");
  assert.equal(toCatalogSlug("claude-sonnet-4-5-20250929", exists), "anthropic/claude-sonnet-4.5");
  assert.equal(toCatalogSlug("claude-haiku-4-5-20251001", exists), "anthropic/claude-haiku-4.5");
  assert.equal(toCatalogSlug("claude-sonnet-4.5", exists), "anthropic/claude-sonnet-4.5");
  assert.equal(toCatalogSlug("claude-opus-4-20250514", exists), "anthropic/claude-opus-4");
  assert.equal(toCatalogSlug("claude-3-7-sonnet-latest", exists), "anthropic/claude-3.7-sonnet");
  assert.equal(toCatalogSlug("claude-3-5-haiku-latest", exists), "anthropic/claude-haiku-3.5");
  assert.equal(toCatalogSlug("anthropic/claude-sonnet-4-5-20250929", exists), "anthropic/claude-sonnet-4.5");
});

test("leaves catalog slugs and unknown names as given", () => {
  assert.equal(toCatalogSlug("openai/gpt-4o-mini", exists), "openai/gpt-4o-mini");
  assert.equal(toCatalogSlug("aigateway/echo", exists), "aigateway/echo");
  assert.equal(toCatalogSlug("claude-unknown-9", exists), "claude-unknown-9");
  assert.equal(toCatalogSlug("gpt-4o", exists), "gpt-4o");
});
