import { test } from "node:test";
import assert from "node:assert/strict";
import { createCatalog, readCatalogFile } from "./catalog.ts";
import { modalities } from "./catalog-schema.ts";
import { buildInvocationSchema } from "./build-invocation-schema.ts";

const catalog = createCatalog(readCatalogFile());
const entryOf = (id: string) => {
  const model = catalog.find(id);
  assert.ok(model, id);
  return model.entry;
};

test("a reasoning model's schema names its endpoint and quirks", () => {
  const schema = buildInvocationSchema(entryOf("openai/o3"));
  assert.equal(schema.endpoint, "/v1/chat/completions");
  assert.equal(schema.request_example["max_completion_tokens"], 256);
  assert.ok(schema.quirks.some((quirk) => quirk.includes("rejects temperature")));
  assert.ok(schema.quirks.some((quirk) => quirk.includes("max_completion_tokens")));
  assert.ok("streaming" in schema.response_examples);
  assert.match(schema.snippets.python ?? "", /chat\.completions\.create/);
});

test("every modality gets an endpoint, a request example with the model and a response example", () => {
  for (const modality of modalities) {
    const model = catalog.models.find((candidate) => candidate.modality === modality);
    assert.ok(model, modality);
    const schema = buildInvocationSchema(model.entry);
    assert.match(schema.endpoint, /^\/v1\//);
    assert.equal(schema.request_example["model"], model.id);
    assert.ok(Object.keys(schema.response_examples).length > 0);
    assert.ok(schema.snippets.curl.includes(schema.endpoint));
  }
});

test("async media answers with a job", () => {
  const schema = buildInvocationSchema(entryOf("google/veo-3.1"));
  assert.equal(schema.endpoint, "/v1/videos/generations");
  assert.deepEqual(Object.keys(schema.response_examples), ["accepted"]);
  assert.ok(schema.quirks.some((quirk) => quirk.includes("202")));
});
