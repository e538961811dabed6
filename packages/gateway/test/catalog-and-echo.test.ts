// What a new user sees first: health, the model list, and the built-in echo model through the SDK.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { startTestGateway, type TestGateway } from "./support/start-test-gateway.ts";

describe("catalog, health and the echo model", () => {
  let gateway: TestGateway;

  before(async () => {
    gateway = await startTestGateway();
  });
  after(async () => {
    await gateway.close();
  });

  it("reports liveness and readiness", async () => {
    const health = await fetch(`${gateway.baseUrl}/health`);
    assert.equal(health.status, 200);
    const ready = await fetch(`${gateway.baseUrl}/ready`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { status: "ready", storage: { kind: "sqlite", ok: true } });
  });

  it("lists at least 40 priced models in the OpenAI list shape", async () => {
    const models = [];
    for await (const model of gateway.openai.models.list()) models.push(model);
    assert.ok(models.length >= 40);
    const mini = models.find((model) => model.id === "openai/gpt-4o-mini") as unknown as {
      object: string;
      owned_by: string;
      modality: string;
      context_window: number;
      pricing: { input: string; output: string; source: string };
      capabilities: string[];
    };
    assert.equal(mini.object, "model");
    assert.equal(mini.owned_by, "openai");
    assert.equal(mini.modality, "text");
    assert.ok(mini.context_window > 0);
    assert.ok(Number(mini.pricing.input) > 0 && Number(mini.pricing.output) > 0);
    assert.match(mini.pricing.source, /^https:\/\//);
    assert.ok(mini.capabilities.includes("tools"));
  });

  it("retrieves one model by its slug, and 404s an unknown one", async () => {
    const model = await gateway.openai.models.retrieve("openai/gpt-4o-mini");
    assert.equal(model.id, "openai/gpt-4o-mini");
    await assert.rejects(gateway.openai.models.retrieve("openai/nope"), { status: 404 });
  });

  it("echoes the last user message without any provider key", async () => {
    const completion = await gateway.openai.chat.completions.create({
      model: "aigateway/echo",
      messages: [
        { role: "system", content: "ignored" },
        { role: "user", content: "hello there gateway" },
      ],
    });
    assert.equal(completion.choices[0]?.message.content, "hello there gateway");
    assert.ok((completion.usage?.completion_tokens ?? 0) > 0);
  });

  it("streams the echo word by word, ending with usage", async () => {
    const stream = await gateway.openai.chat.completions.create({
      model: "aigateway/echo",
      messages: [{ role: "user", content: "one two three" }],
      stream: true,
    });
    const pieces: string[] = [];
    let sawUsage = false;
    for await (const chunk of stream) {
      const content = chunk.choices[0]?.delta.content;
      if (content) pieces.push(content);
      if (chunk.usage) sawUsage = true;
    }
    assert.deepEqual(pieces, ["one", " two", " three"]);
    assert.ok(sawUsage);
  });
});
