import { test } from "node:test";
import assert from "node:assert/strict";
import { createCatalog, readCatalogFile } from "../catalog/catalog.ts";
import { prepareChatRequest } from "./prepare-chat-request.ts";

const catalog = createCatalog(readCatalogFile());
const messages = [{ role: "user" as const, content: "hi" }];

test("drops what the model cannot take and says so", () => {
  const o3 = catalog.find("openai/o3-mini");
  assert.ok(o3);
  const { request, dropped } = prepareChatRequest(
    { model: "openai/o3-mini", messages, temperature: 0.3, max_tokens: 100, routing: { policy: "pinned" } },
    o3,
  );
  assert.deepEqual(dropped, ["temperature"]);
  assert.equal(request.temperature, undefined);
  assert.equal(request.max_completion_tokens, 100);
  assert.equal(request.max_tokens, undefined);
  assert.equal(request.routing, undefined);
});

test("keeps max_tokens for models that expect it and drops reasoning_effort without reasoning", () => {
  const mini = catalog.find("openai/gpt-4o-mini");
  assert.ok(mini);
  const { request, dropped } = prepareChatRequest(
    {
      model: "openai/gpt-4o-mini",
      messages,
      max_completion_tokens: 50,
      reasoning_effort: "high",
      seed: 7,
      n: 2,
    },
    mini,
  );
  assert.equal(request.max_tokens, 50);
  assert.deepEqual(dropped, ["reasoning_effort"]);
  assert.equal(request.seed, 7);
  assert.equal(request.n, 2);
});
