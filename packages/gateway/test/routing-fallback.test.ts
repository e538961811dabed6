// Smart routing over fake upstreams that fail on cue: the official openai SDK sees success through
// retries and fallbacks, with the trace headers; failures after the first byte are never retried.
import { after, before, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";
import {
  replyWithChunkFixture,
  replyWithJsonFixture,
  startFakeUpstream,
  type FakeHandler,
  type FakeUpstream,
} from "./support/fake-upstream.ts";
import { fixturesMissing } from "./support/fixtures.ts";
import { readStreamUntilFailure } from "./support/read-stream-until-failure.ts";
import { writeRoutingModelsConfig } from "./support/routing-test-models.ts";
import { startTestGateway, type TestGateway } from "./support/start-test-gateway.ts";
import { waitFor } from "./support/wait-for.ts";
import { callApi } from "./support/call-api.ts";

const messages = [{ role: "user" as const, content: "Invent a holiday" }];
const ok: FakeHandler = () => replyWithJsonFixture("openai/chat-completion-text.json");
const serverError: FakeHandler = () => ({
  status: 500,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ error: { message: "boom", type: "server_error" } }),
});

type Body = OpenAI.ChatCompletionCreateParamsNonStreaming & Record<string, unknown>;

describe("smart routing and fallbacks", { skip: fixturesMissing }, () => {
  let gateway: TestGateway;
  let openaiUpstream: FakeUpstream;
  let groqUpstream: FakeUpstream;
  let deepseekUpstream: FakeUpstream;
  let time = 1_800_000_000_000;
  const slept: number[] = [];

  before(async () => {
    openaiUpstream = await startFakeUpstream(ok);
    groqUpstream = await startFakeUpstream(ok);
    deepseekUpstream = await startFakeUpstream(ok);
    gateway = await startTestGateway(
      {
        AIG_CONFIG: writeRoutingModelsConfig(),
        OPENAI_API_KEY: "test",
        OPENAI_BASE_URL: openaiUpstream.baseUrl,
        GROQ_API_KEY: "test",
        GROQ_BASE_URL: groqUpstream.baseUrl,
        DEEPSEEK_API_KEY: "test",
        DEEPSEEK_BASE_URL: deepseekUpstream.baseUrl,
        AIG_UPSTREAM_FIRST_BYTE_TIMEOUT_MS: "300",
        AIG_BREAKER_FAILURE_THRESHOLD: "2",
        AIG_BREAKER_OPEN_MS: "10000",
        AIG_CACHE_TTL_SECONDS: "0",
      },
      {
        // The router's time only moves when a test (or a backoff) moves it: nothing here sleeps.
        routingClock: {
          now: () => time,
          sleep: async (milliseconds) => {
            slept.push(milliseconds);
            time += milliseconds;
          },
          random: () => 0.5,
        },
      },
    );
  });
  after(async () => {
    await gateway.close();
    await Promise.all([openaiUpstream.close(), groqUpstream.close(), deepseekUpstream.close()]);
  });
  beforeEach(() => {
    // Each test starts with every route healthy again (breakers remember by time).
    time += 3_600_000;
    for (const upstream of [openaiUpstream, groqUpstream, deepseekUpstream]) {
      upstream.setHandler(ok);
      upstream.requests.length = 0;
    }
    slept.length = 0;
  });

  async function create(body: Partial<Body>) {
    return gateway.openai.chat.completions
      .create({ model: "test/multi", messages, ...body } as Body)
      .withResponse();
  }

  async function latestUsageRow() {
    await gateway.gateway.usage.flush();
    const [row] = await gateway.gateway.storage.usage.listRecentUsage("acct_default", 1);
    return row;
  }

  it("falls back to the next provider on a 500, with the trace headers", async () => {
    openaiUpstream.setHandler(serverError);
    const { data, response } = await create({ routing: { policy: "pinned", providers: ["openai", "groq"] } });
    assert.match(data.choices[0]?.message.content ?? "", /Galaxy Day/);
    assert.equal(data.model, "test/multi");
    assert.equal(response.headers.get("x-aig-provider"), "groq");
    assert.equal(response.headers.get("x-aig-served-by"), "test/multi");
    assert.equal(response.headers.get("x-aig-attempts"), "2");
    assert.equal(response.headers.get("x-aig-route-policy"), "pinned");
    assert.equal(openaiUpstream.requests.length, 1);
    assert.equal(groqUpstream.requests.length, 1);
    const row = await latestUsageRow();
    assert.equal(row?.status, 200);
    assert.equal(row?.provider, "groq");
    assert.equal(row?.attempts, 2);
    // The same trace, as a user reads it from the usage API.
    const recent = (await (
      await fetch(`${gateway.baseUrl}/v1/usage/recent?limit=1`, {
        headers: { authorization: `Bearer ${gateway.ownerKey}` },
      })
    ).json()) as { data: { attempts: number; attempt_log: { provider: string }[]; cache_hit: boolean }[] };
    assert.deepEqual(
      [
        recent.data[0]?.attempts,
        recent.data[0]?.attempt_log.map((attempt) => attempt.provider),
        recent.data[0]?.cache_hit,
      ],
      [2, ["openai", "groq"], false],
    );
    const log = JSON.parse(row?.attemptLog ?? "[]") as { provider: string; status: number }[];
    assert.deepEqual(
      log.map((attempt) => [attempt.provider, attempt.status]),
      [
        ["openai", 502],
        ["groq", 200],
      ],
    );
    // Only the attempt that answered is billed: 16 × $0.5 + 363 × $1 per 1M tokens.
    assert.equal(row?.costNanodollars, 16 * 500 + 363 * 1000);
  });

  it("moves on from a 429 and skips the route until its retry-after", async () => {
    groqUpstream.setHandler(() => ({
      status: 429,
      headers: { "content-type": "application/json", "retry-after": "30" },
      body: JSON.stringify({ error: { message: "slow down", type: "rate_limit_exceeded" } }),
    }));
    const first = await create({ routing: { policy: "lowest_cost" } });
    assert.equal(first.response.headers.get("x-aig-provider"), "openai");
    assert.equal(groqUpstream.requests.length, 1);
    // The next request does not even try groq while its retry-after runs.
    const second = await create({ routing: { policy: "lowest_cost" } });
    assert.equal(second.response.headers.get("x-aig-provider"), "openai");
    assert.equal(second.response.headers.get("x-aig-attempts"), "1");
    assert.equal(groqUpstream.requests.length, 1);
    time += 30_000;
    groqUpstream.setHandler(ok);
    const third = await create({ routing: { policy: "lowest_cost" } });
    assert.equal(third.response.headers.get("x-aig-provider"), "groq");
  });

  it("retries one provider with backoff that honours retry-after", async () => {
    const failOnce = (failure: { status: number; headers: Record<string, string> }) => {
      let calls = 0;
      deepseekUpstream.setHandler(() =>
        ++calls === 1
          ? { ...failure, body: JSON.stringify({ error: { message: "busy" } }) }
          : replyWithJsonFixture("openai/chat-completion-text.json"),
      );
    };
    failOnce({ status: 429, headers: { "content-type": "application/json", "retry-after": "2" } });
    const first = await create({ model: "test/solo" });
    assert.equal(first.response.headers.get("x-aig-attempts"), "2");
    // The upstream's 2 s is longer than the first backoff (250 ms ±20 %): it wins.
    assert.deepEqual(slept, [2000]);

    slept.length = 0;
    failOnce({ status: 503, headers: { "content-type": "application/json" } });
    const second = await create({ model: "test/solo" });
    assert.equal(second.response.headers.get("x-aig-attempts"), "2");
    assert.deepEqual(slept, [250]);
  });

  it("falls back on a timeout, a connection reset and a malformed body", async () => {
    openaiUpstream.setHandler(() => ({ status: 200, hang: true }));
    groqUpstream.setHandler(() => ({ status: 200, frames: ["{"], destroyAfterFrames: 0 }));
    deepseekUpstream.setHandler(() => ({
      status: 200,
      headers: { "content-type": "application/json" },
      body: '{"id": "chatcmpl-broken", "choi',
    }));
    const error = await create({ routing: { policy: "pinned" } }).catch((caught: unknown) => caught);
    assert.ok(error instanceof OpenAI.APIError);
    assert.equal(error.status, 502);
    assert.equal((error.headers as Headers | undefined)?.get("x-aig-attempts"), "3");
    const row = await latestUsageRow();
    const log = JSON.parse(row?.attemptLog ?? "[]") as { provider: string; status: number }[];
    assert.deepEqual(
      log.map((attempt) => [attempt.provider, attempt.status]),
      [
        ["openai", 504],
        ["groq", 502],
        ["deepseek", 502],
      ],
    );
    // With one healthy provider left in the list, the request succeeds.
    deepseekUpstream.setHandler(ok);
    time += 3_600_000;
    const { response } = await create({ routing: { policy: "pinned" } });
    assert.equal(response.headers.get("x-aig-provider"), "deepseek");
    assert.equal(response.headers.get("x-aig-attempts"), "3");
  });

  it("does not switch when allow_fallback is false", async () => {
    openaiUpstream.setHandler(serverError);
    const error = await create({ routing: { policy: "pinned", allow_fallback: false } }).catch(
      (caught: unknown) => caught,
    );
    assert.ok(error instanceof OpenAI.APIError);
    assert.equal(error.status, 502);
    assert.equal(groqUpstream.requests.length + deepseekUpstream.requests.length, 0);
  });

  it("tries an array of models in order", async () => {
    openaiUpstream.setHandler(serverError);
    const { data, response } = await create({ model: ["test/alpha", "test/solo"] as unknown as string });
    assert.equal(response.headers.get("x-aig-served-by"), "test/solo");
    assert.equal(response.headers.get("x-aig-provider"), "deepseek");
    assert.equal(data.model, "test/solo");
    assert.equal(openaiUpstream.requests.length, 1);
    assert.equal(groqUpstream.requests.length, 0);
  });

  it("falls back to a sibling of the same family unless fallbacks is false", async () => {
    openaiUpstream.setHandler(serverError);
    const { response } = await create({ model: "test/alpha" });
    assert.equal(response.headers.get("x-aig-served-by"), "test/beta");
    assert.equal(response.headers.get("x-aig-provider"), "groq");

    time += 3_600_000;
    groqUpstream.requests.length = 0;
    const error = await create({ model: "test/alpha", fallbacks: false }).catch((caught: unknown) => caught);
    assert.ok(error instanceof OpenAI.APIError);
    assert.equal(groqUpstream.requests.length, 0);
  });

  it("opens the breaker after repeated failures, skips the route, then probes it back", async () => {
    deepseekUpstream.setHandler(serverError);
    const body = { model: "test/solo", routing: { allow_fallback: false } };
    for (let index = 0; index < 2; index++) {
      await assert.rejects(
        create(body),
        (error: unknown) => error instanceof OpenAI.APIError && error.status === 502,
      );
    }
    assert.equal(deepseekUpstream.requests.length, 2);
    const health = await callApi<{ data: { breaker: { state: string }; failures: number }[] }>(
      gateway.baseUrl,
      gateway.ownerKey,
      "GET",
      "/v1/health/providers?model=test/solo",
    );
    assert.equal(health.body.data[0]?.breaker.state, "open");

    // Open: answered at once with 503 and a retry-after, the provider is not called.
    const open = await create(body).catch((caught: unknown) => caught);
    assert.ok(open instanceof OpenAI.APIError);
    assert.equal(open.status, 503);
    assert.equal((open.headers as Headers | undefined)?.get("retry-after"), "10");
    assert.equal(deepseekUpstream.requests.length, 2);

    // After the open period one probe goes through; its success closes the breaker.
    time += 10_000;
    deepseekUpstream.setHandler(ok);
    const { response } = await create(body);
    assert.equal(response.headers.get("x-aig-provider"), "deepseek");
    const after = await callApi<{ data: { breaker: { state: string } }[] }>(
      gateway.baseUrl,
      gateway.ownerKey,
      "GET",
      "/v1/health/providers?model=test/solo",
    );
    assert.equal(after.body.data[0]?.breaker.state, "closed");
  });

  it("reports live stats per route", async () => {
    await create({ routing: { policy: "pinned", providers: ["groq"] } });
    const health = await callApi<{
      providers: { provider: string }[];
      data: { model: string; provider: string; requests: number; p50_latency_ms: number | null }[];
    }>(gateway.baseUrl, gateway.ownerKey, "GET", "/v1/health/providers?provider=groq");
    const route = health.body.data.find((row) => row.model === "test/multi");
    assert.ok(route && route.requests > 0);
    assert.equal(typeof route.p50_latency_ms, "number");
    assert.deepEqual(
      health.body.providers.map((summary) => summary.provider),
      ["groq"],
    );
  });

  it("rejects bad routing input with a 400 naming the field", async () => {
    const bad = await create({ routing: { policy: "fastest" } }).catch((caught: unknown) => caught);
    assert.ok(bad instanceof OpenAI.APIError);
    assert.equal(bad.status, 400);
    assert.match(bad.message, /routing\.policy/);
    const cheap = await create({ routing: { max_cost_per_1m_input: 0.1 } }).catch(
      (caught: unknown) => caught,
    );
    assert.ok(cheap instanceof OpenAI.APIError);
    assert.equal(cheap.status, 400);
  });
});

describe("streams and fallbacks", { skip: fixturesMissing }, () => {
  let gateway: TestGateway;
  let openaiUpstream: FakeUpstream;
  let groqUpstream: FakeUpstream;

  before(async () => {
    openaiUpstream = await startFakeUpstream(() =>
      replyWithChunkFixture("openai/chat-stream-text-with-usage.chunks.txt"),
    );
    groqUpstream = await startFakeUpstream(() =>
      replyWithChunkFixture("openai/chat-stream-text-with-usage.chunks.txt"),
    );
    gateway = await startTestGateway({
      AIG_CONFIG: writeRoutingModelsConfig(),
      OPENAI_API_KEY: "test",
      OPENAI_BASE_URL: openaiUpstream.baseUrl,
      GROQ_API_KEY: "test",
      GROQ_BASE_URL: groqUpstream.baseUrl,
      AIG_CACHE_TTL_SECONDS: "0",
    });
  });
  after(async () => {
    await gateway.close();
    await Promise.all([openaiUpstream.close(), groqUpstream.close()]);
  });

  it("switches provider when the stream fails before its first byte; headers come with the stream", async () => {
    openaiUpstream.setHandler(serverError);
    const { data: stream, response } = await gateway.openai.chat.completions
      .create({
        model: "test/multi",
        messages,
        stream: true,
        routing: { policy: "pinned", providers: ["openai", "groq"] },
      } as OpenAI.ChatCompletionCreateParamsStreaming)
      .withResponse();
    assert.equal(response.headers.get("x-aig-provider"), "groq");
    assert.equal(response.headers.get("x-aig-attempts"), "2");
    assert.equal(response.headers.get("x-aig-route-policy"), "pinned");
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    assert.ok(text.length > 0);
  });

  it("ends a stream that breaks after its first byte with an error event and never retries it", async () => {
    openaiUpstream.setHandler(() =>
      replyWithChunkFixture("openai/chat-stream-text-with-usage.chunks.txt", { destroyAfterFrames: 4 }),
    );
    groqUpstream.requests.length = 0;
    const stream = await gateway.openai.chat.completions.create({
      model: "test/multi",
      messages,
      stream: true,
      routing: { policy: "pinned", providers: ["openai", "groq"] },
    } as OpenAI.ChatCompletionCreateParamsStreaming);
    const { text, error } = await readStreamUntilFailure(stream);
    assert.ok(error instanceof OpenAI.APIError);
    assert.ok(text.length > 0);
    assert.equal(groqUpstream.requests.length, 0);
    const row = await waitFor(async () => {
      await gateway.gateway.usage.flush();
      const [latest] = await gateway.gateway.storage.usage.listRecentUsage("acct_default", 1);
      return latest?.status === 502 ? latest : undefined;
    });
    assert.equal(row.attempts, 1);
  });
});
