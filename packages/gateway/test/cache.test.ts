// The response cache: exact match per billing account, hits never sent upstream, streams replayed as
// streams, hits billed at their own price, and DELETE /v1/cache.
import { after, before, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";
import {
  replyWithChunkFixture,
  replyWithJsonFixture,
  startFakeUpstream,
  type FakeUpstream,
} from "./support/fake-upstream.ts";
import { fixturesMissing } from "./support/fixtures.ts";
import { callApi } from "./support/call-api.ts";
import { pricedCompletionNanodollars, writePricedModelConfig } from "./support/priced-test-model.ts";
import { startTestGateway, type TestGateway } from "./support/start-test-gateway.ts";

const messages = [{ role: "user" as const, content: "Invent a holiday" }];

function replyFor(request: { body: Record<string, unknown> }) {
  return request.body.stream
    ? replyWithChunkFixture("openai/chat-stream-text-with-usage.chunks.txt")
    : replyWithJsonFixture("openai/chat-completion-text.json");
}

describe("response cache", { skip: fixturesMissing }, () => {
  let gateway: TestGateway;
  let upstream: FakeUpstream;

  before(async () => {
    upstream = await startFakeUpstream(replyFor);
    gateway = await startTestGateway({ OPENAI_API_KEY: "test", OPENAI_BASE_URL: upstream.baseUrl });
  });
  after(async () => {
    await gateway.close();
    await upstream.close();
  });
  beforeEach(async () => {
    await callApi(gateway.baseUrl, gateway.ownerKey, "DELETE", "/v1/cache");
    upstream.requests.length = 0;
  });

  const ask = (client: OpenAI, body: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
    client.chat.completions
      .create({ model: "openai/gpt-4.1-nano", messages, temperature: 0, ...body } as never, { headers })
      .withResponse() as Promise<{ data: OpenAI.ChatCompletion; response: Response }>;

  it("answers a repeated deterministic request from the cache without calling upstream", async () => {
    const first = await ask(gateway.openai);
    assert.equal(first.response.headers.get("x-aig-cache"), "miss");
    const second = await ask(gateway.openai, { stream: false, user: "someone" });
    assert.equal(second.response.headers.get("x-aig-cache"), "hit");
    assert.equal(upstream.requests.length, 1);
    assert.equal(second.data.id, first.data.id);
    assert.deepEqual(second.data.choices, first.data.choices);
    assert.equal(second.data.model, "openai/gpt-4.1-nano");
    assert.deepEqual(
      { prompt: second.data.usage?.prompt_tokens, completion: second.data.usage?.completion_tokens },
      { prompt: first.data.usage?.prompt_tokens, completion: first.data.usage?.completion_tokens },
    );
    // Hits are free by default, and the usage row says it was a hit.
    assert.equal(second.response.headers.get("x-cost-cents"), "0");
    assert.equal(second.response.headers.get("x-aig-served-by"), "openai/gpt-4.1-nano");
    await gateway.gateway.usage.flush();
    const [row] = await gateway.gateway.storage.usage.listRecentUsage("acct_default", 1);
    assert.equal(row?.cacheHit, true);
    assert.equal(row?.attempts, 0);
    assert.equal(row?.costNanodollars, 0);
    assert.equal(row?.provider, "openai");
  });

  it("caches only deterministic requests in auto mode; force and skip override", async () => {
    await ask(gateway.openai, { temperature: 0.7 });
    const again = await ask(gateway.openai, { temperature: 0.7 });
    assert.equal(again.response.headers.get("x-aig-cache"), "miss");
    assert.equal(upstream.requests.length, 2);

    await ask(gateway.openai, { temperature: 0.7 }, { "x-cache": "force" });
    const forced = await ask(gateway.openai, { temperature: 0.7 }, { "x-cache": "force" });
    assert.equal(forced.response.headers.get("x-aig-cache"), "hit");
    assert.equal(upstream.requests.length, 3);

    await ask(gateway.openai, { seed: 7 });
    const seeded = await ask(gateway.openai, { seed: 7 });
    assert.equal(seeded.response.headers.get("x-aig-cache"), "hit");

    const skipped = await ask(gateway.openai, { seed: 7 }, { "x-cache": "skip" });
    assert.equal(skipped.response.headers.get("x-aig-cache"), "miss");
    assert.equal(upstream.requests.length, 5);

    const bad = await ask(gateway.openai, {}, { "x-cache": "always" }).catch((error: unknown) => error);
    assert.ok(bad instanceof OpenAI.APIError);
    assert.equal(bad.status, 400);
  });

  it("replays a cached answer as a stream, and stores a streamed answer", async () => {
    // Streamed first: the stream is stored as a completion...
    const collect = async () => {
      const { data: stream, response } = await gateway.openai.chat.completions
        .create({ model: "openai/gpt-4.1-nano", messages, temperature: 0, stream: true, seed: 1 })
        .withResponse();
      let text = "";
      let usage: OpenAI.CompletionUsage | undefined;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? "";
        usage ??= chunk.usage ?? undefined;
      }
      return { text, usage, cache: response.headers.get("x-aig-cache") };
    };
    const live = await collect();
    assert.equal(live.cache, "miss");
    const replayed = await collect();
    assert.equal(replayed.cache, "hit");
    assert.equal(replayed.text, live.text);
    assert.equal(replayed.usage?.completion_tokens, live.usage?.completion_tokens);
    assert.equal(upstream.requests.length, 1);

    // ...and a non-streamed request of the same content is the same entry.
    const plain = await ask(gateway.openai, { seed: 1 });
    assert.equal(plain.response.headers.get("x-aig-cache"), "hit");
    assert.equal(plain.data.choices[0]?.message.content, live.text);
  });

  it("never shows one account another account's entries, and DELETE /v1/cache flushes", async () => {
    const tenant = await callApi<{ key: string }>(
      gateway.baseUrl,
      gateway.ownerKey,
      "POST",
      "/v1/admin/accounts",
      {
        name: "cache tenant",
      },
    );
    assert.equal(tenant.status, 201);
    const tenantClient = gateway.client(tenant.body.key);
    await ask(gateway.openai);
    const other = await ask(tenantClient);
    assert.equal(other.response.headers.get("x-aig-cache"), "miss");
    assert.equal(upstream.requests.length, 2);

    const flushed = await callApi<{ deleted: number }>(
      gateway.baseUrl,
      gateway.ownerKey,
      "DELETE",
      "/v1/cache",
    );
    assert.equal(flushed.status, 200);
    assert.equal(flushed.body.deleted, 1);
    const afterFlush = await ask(gateway.openai);
    assert.equal(afterFlush.response.headers.get("x-aig-cache"), "miss");
    // The tenant's entry survived the owner's flush.
    const tenantAgain = await ask(tenantClient);
    assert.equal(tenantAgain.response.headers.get("x-aig-cache"), "hit");
  });
});

describe("cache hit price", { skip: fixturesMissing }, () => {
  let gateway: TestGateway;
  let upstream: FakeUpstream;

  before(async () => {
    upstream = await startFakeUpstream(replyFor);
    gateway = await startTestGateway({
      OPENAI_API_KEY: "test",
      OPENAI_BASE_URL: upstream.baseUrl,
      AIG_CONFIG: writePricedModelConfig(),
      AIG_CACHE_HIT_PRICE_FRACTION: "0.1",
    });
  });
  after(async () => {
    await gateway.close();
    await upstream.close();
  });

  it("bills a hit at the configured fraction of the original cost", async () => {
    const body = { model: "test/priced", messages, temperature: 0 };
    const first = await gateway.openai.chat.completions.create(body).withResponse();
    assert.equal(first.response.headers.get("x-cost-cents"), "36.3");
    const second = await gateway.openai.chat.completions.create(body).withResponse();
    assert.equal(second.response.headers.get("x-aig-cache"), "hit");
    assert.equal(second.response.headers.get("x-cost-cents"), "3.63");
    assert.equal(
      (second.data.usage as { cost?: number } | undefined)?.cost,
      pricedCompletionNanodollars / 10 / 1e9,
    );
  });
});

describe(
  "response cache on Redis",
  { skip: fixturesMissing || (process.env.REDIS_URL ? false : "REDIS_URL not set") },
  () => {
    let gateway: TestGateway;
    let upstream: FakeUpstream;

    before(async () => {
      upstream = await startFakeUpstream(replyFor);
      gateway = await startTestGateway({
        OPENAI_API_KEY: "test",
        OPENAI_BASE_URL: upstream.baseUrl,
        REDIS_URL: process.env.REDIS_URL ?? "",
        AIG_REDIS_KEY_PREFIX: `aig-cache-test-${process.pid}-${Date.now()}:`,
      });
    });
    after(async () => {
      await callApi(gateway.baseUrl, gateway.ownerKey, "DELETE", "/v1/cache");
      await gateway.close();
      await upstream.close();
    });

    it("hits across requests and flushes by account", async () => {
      const body = { model: "openai/gpt-4.1-nano", messages, temperature: 0 };
      await gateway.openai.chat.completions.create(body);
      const second = await gateway.openai.chat.completions.create(body).withResponse();
      assert.equal(second.response.headers.get("x-aig-cache"), "hit");
      assert.equal(upstream.requests.length, 1);
      const flushed = await callApi<{ deleted: number }>(
        gateway.baseUrl,
        gateway.ownerKey,
        "DELETE",
        "/v1/cache",
      );
      assert.equal(flushed.body.deleted, 1);
    });
  },
);
