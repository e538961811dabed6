// Embeddings through the openai SDK, against recorded OpenAI and Mistral responses.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { replyWithCassette, startFakeUpstream, type FakeUpstream } from "./support/fake-upstream.ts";
import { fixturesMissing, readJsonFixture } from "./support/fixtures.ts";
import { startTestGateway, type TestGateway } from "./support/start-test-gateway.ts";

interface RecordedEmbeddings {
  data: { embedding: number[]; index: number; object: string }[];
  [key: string]: unknown;
}

/** Like the real API: base64 (little-endian float32) when the client asks for it, floats otherwise. */
function encodeAsRequested(recorded: RecordedEmbeddings, format: unknown): string {
  if (format !== "base64") return JSON.stringify(recorded);
  return JSON.stringify({
    ...recorded,
    data: recorded.data.map((item) => ({
      ...item,
      embedding: Buffer.from(new Float32Array(item.embedding).buffer).toString("base64"),
    })),
  });
}

describe("embeddings", { skip: fixturesMissing }, () => {
  let gateway: TestGateway;
  let upstream: FakeUpstream;
  const recorded = fixturesMissing
    ? { data: [] }
    : readJsonFixture<RecordedEmbeddings>("openai/embeddings.json");

  before(async () => {
    upstream = await startFakeUpstream((request) => ({
      status: 200,
      headers: { "content-type": "application/json" },
      body: encodeAsRequested(recorded, request.body.encoding_format),
    }));
    gateway = await startTestGateway({ OPENAI_API_KEY: "test", OPENAI_BASE_URL: upstream.baseUrl });
  });
  after(async () => {
    await gateway.close();
    await upstream.close();
  });

  it("embeds an array of strings with usage and cost (SDK default base64 decoded)", async () => {
    const { data: result, response } = await gateway.openai.embeddings
      .create({
        model: "openai/text-embedding-3-small",
        input: ["sunny day at the beach", "rainy day in the city"],
      })
      .withResponse();
    assert.equal(result.model, "openai/text-embedding-3-small");
    assert.equal(result.data.length, 2);
    const first = result.data[0]?.embedding ?? [];
    const expected = recorded.data[0]?.embedding ?? [];
    assert.equal(first.length, expected.length);
    first.forEach((value, index) => assert.ok(Math.abs(value - (expected[index] ?? 0)) < 1e-6));
    assert.ok(result.usage.prompt_tokens > 0);
    assert.ok(Number(response.headers.get("x-cost-cents")) > 0);
    assert.equal(upstream.requests.at(-1)?.body.model, "text-embedding-3-small");
  });

  it("passes float encoding and dimensions through", async () => {
    const result = await gateway.openai.embeddings.create({
      model: "openai/text-embedding-3-small",
      input: "one string",
      encoding_format: "float",
      dimensions: 5,
    });
    assert.ok(Array.isArray(result.data[0]?.embedding));
    assert.equal(upstream.requests.at(-1)?.body.dimensions, 5);
    assert.equal(upstream.requests.at(-1)?.body.encoding_format, "float");
  });

  it("replays a full-length recorded embedding", async () => {
    upstream.setHandler(() => replyWithCassette("openai/embeddings.cassette.yaml"));
    const result = await gateway.openai.embeddings.create({
      model: "openai/text-embedding-3-small",
      input: "query",
      encoding_format: "float",
    });
    assert.ok((result.data[0]?.embedding.length ?? 0) >= 512);
  });

  it("refuses a chat model on the embeddings endpoint", async () => {
    await assert.rejects(
      gateway.openai.embeddings.create({ model: "openai/gpt-4o-mini", input: "x" }),
      (error: { status?: number }) => error.status === 400,
    );
  });
});
