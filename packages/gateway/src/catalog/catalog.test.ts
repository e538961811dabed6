import { test } from "node:test";
import assert from "node:assert/strict";
import { createCatalog, readCatalogFile } from "./catalog.ts";

const file = readCatalogFile();
const catalog = createCatalog(file);

test("the shipped catalog validates and has at least 40 models with sourced prices", () => {
  assert.ok(catalog.models.length >= 40);
  for (const model of file.models) {
    for (const route of model.routes) {
      assert.ok(route.price_source.length > 0, `${model.id} has a price source`);
      assert.match(route.price_as_of, /^\d{4}-\d{2}-\d{2}$/);
    }
  }
});

test("slugs are unique and lowercase lab/model", () => {
  const ids = file.models.map((model) => model.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const id of ids) assert.match(id, /^[a-z0-9][a-z0-9._-]*\/[a-z0-9]/);
});

test("covers every OpenAI-compatible provider the gateway configures from the environment", () => {
  const providers = new Set(file.models.flatMap((model) => model.routes.map((route) => route.provider)));
  for (const id of ["openai", "groq", "together", "fireworks", "deepseek", "moonshot", "mistral", "xai"]) {
    assert.ok(providers.has(id), `a model served by ${id}`);
  }
  for (const id of ["openrouter", "deepinfra", "cerebras"])
    assert.ok(providers.has(id), `a model served by ${id}`);
});

test("prices are integral micro-dollars per 1M tokens; cached defaults to input", () => {
  const mini = catalog.find("openai/gpt-4o-mini");
  assert.ok(mini);
  assert.equal(mini.routes[0]?.price.input, 150_000);
  const echo = catalog.find("aigateway/echo");
  assert.equal(echo?.routes[0]?.price.output, 0);
});

test("operator models replace shipped ones with the same id", () => {
  const shipped = file.models.find((model) => model.id === "openai/gpt-4o-mini");
  assert.ok(shipped);
  const overridden = createCatalog(file, [{ ...shipped, name: "Custom mini" }]);
  assert.equal(overridden.find("openai/gpt-4o-mini")?.entry.name, "Custom mini");
  assert.equal(overridden.models.length, catalog.models.length);
});
