// The catalog as a user meets it: filtered listing, one model with its invocation schema, the
// capability vocabulary, llms.txt without a key, and what calling a model nobody serves yet answers.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { startTestGateway, type TestGateway } from "./support/start-test-gateway.ts";

interface ErrorBody {
  error: { message: string; type: string; code: number; param: string | null };
}

describe("catalog endpoints", () => {
  let gateway: TestGateway;
  const get = (path: string, key: string | null = gateway.ownerKey) =>
    fetch(`${gateway.baseUrl}${path}`, key ? { headers: { authorization: `Bearer ${key}` } } : {});

  before(async () => {
    gateway = await startTestGateway();
  });
  after(() => gateway.close());

  it("lists 150+ models across every modality, filtered by modality and provider", async () => {
    const all = (await (await get("/v1/models")).json()) as { data: { id: string; modality: string }[] };
    assert.ok(all.data.length >= 150);
    const images = (await (await get("/v1/models?modality=image")).json()) as typeof all;
    assert.ok(images.data.length > 0 && images.data.every((model) => model.modality === "image"));
    const speech = (await (
      await get("/v1/models?modality=audio-tts&provider=elevenlabs")
    ).json()) as typeof all;
    assert.ok(speech.data.length > 0);
    assert.ok(speech.data.every((model) => model.modality === "tts" && model.id.startsWith("elevenlabs/")));
  });

  it("answers a bad filter value with a 400 naming the parameter", async () => {
    for (const [query, param] of [
      ["modality=hologram", "modality"],
      ["provider=nobody-at-all", "provider"],
      ["modality=text&modality=image", "modality"],
    ] as const) {
      const response = await get(`/v1/models?${query}`);
      assert.equal(response.status, 400, query);
      const body = (await response.json()) as ErrorBody;
      assert.equal(body.error.param, param);
      assert.equal(body.error.type, "invalid_request_error");
    }
  });

  it("returns one model with its routes, price history and invocation schema", async () => {
    const response = await get("/v1/models/openai/o3");
    assert.equal(response.status, 200);
    const model = (await response.json()) as {
      id: string;
      pricing: { input: string; source: string; as_of: string };
      providers: { provider: string; price_history?: { input: string; effective_from: string | null }[] }[];
      schema: { endpoint: string; request_example: { model: string }; quirks: string[] };
    };
    assert.equal(model.id, "openai/o3");
    assert.equal(model.pricing.input, "2.00");
    assert.deepEqual(
      model.providers[0]?.price_history?.map((entry) => entry.input),
      ["10.00", "2.00"],
    );
    assert.equal(model.schema.endpoint, "/v1/chat/completions");
    assert.equal(model.schema.request_example.model, "openai/o3");
    assert.ok(model.schema.quirks.some((quirk) => quirk.includes("max_completion_tokens")));

    const schemaOnly = await get("/v1/models/google/veo-3.1/schema");
    assert.equal(schemaOnly.status, 200);
    const schema = (await schemaOnly.json()) as { endpoint: string; model: string };
    assert.equal(schema.endpoint, "/v1/videos/generations");
    assert.equal(schema.model, "google/veo-3.1");

    const missing = await get("/v1/models/openai/gpt-4o-minii/schema");
    assert.equal(missing.status, 404);
    assert.match(((await missing.json()) as ErrorBody).error.message, /openai\/gpt-4o-mini/);
  });

  it("describes capabilities, modalities, endpoints and counts", async () => {
    const response = await get("/v1/capabilities");
    assert.equal(response.status, 200);
    const body = (await response.json()) as {
      data: { id: string; endpoint: string; description: string }[];
      modalities: { id: string; endpoint: string; model_count: number }[];
      counts: { models: number; labs: number };
    };
    assert.ok(body.data.some((capability) => capability.id === "async"));
    assert.ok(body.modalities.every((modality) => modality.model_count > 0));
    assert.ok(body.counts.models >= 150 && body.counts.labs >= 44);
  });

  it("serves llms.txt and llms-full.txt without a key, but not the model list", async () => {
    const brief = await get("/llms.txt", null);
    assert.equal(brief.status, 200);
    assert.match(brief.headers.get("content-type") ?? "", /^text\/plain/);
    const text = await brief.text();
    assert.ok(text.includes("`anthropic/claude-sonnet-4.5`"));
    assert.ok(text.includes("/second"));
    const full = await get("/llms-full.txt", null);
    assert.equal(full.status, 200);
    assert.ok((await full.text()).includes("### deepgram/nova-3"));
    assert.equal((await get("/v1/models", null)).status, 401);
  });

  it("points a chat request for an image model at the image endpoint", async () => {
    await assert.rejects(
      gateway.openai.chat.completions.create({
        model: "black-forest-labs/flux-1.1-pro",
        messages: [{ role: "user", content: "hi" }],
      }),
      (error: { status?: number; message?: string }) =>
        error.status === 400 && (error.message ?? "").includes("/v1/images/generations"),
    );
  });

  it("answers 503 naming the variable for a model whose providers are not configured", async () => {
    await assert.rejects(
      gateway.openai.chat.completions.create({
        model: "perplexity/sonar",
        messages: [{ role: "user", content: "hi" }],
      }),
      (error: { status?: number; message?: string }) =>
        error.status === 503 && (error.message ?? "").includes("OPENROUTER_API_KEY"),
    );
  });
});
