// Many replicas, one truth: two gateways sharing PostgreSQL and Redis hold one rate limit and one spend
// cap between them; a replica killed outright leaves nothing stuck for the survivor or its restart.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import OpenAI from "openai";
import { callApi } from "./support/call-api.ts";
import { replyWithJsonFixture, startFakeUpstream, type FakeUpstream } from "./support/fake-upstream.ts";
import { fixturesMissing } from "./support/fixtures.ts";
import { createLogReader } from "./support/line-reader.ts";
import { openUsageStream } from "./support/open-usage-stream.ts";
import { pricedCompletionNanodollars, writePricedModelConfig } from "./support/priced-test-model.ts";
import { startTestGateway, testOwnerKey, type TestGateway } from "./support/start-test-gateway.ts";
import { PostgresTestSchemas } from "./storage/postgres-test-schemas.ts";

const databaseUrl = process.env.DATABASE_URL;
const redisUrl = process.env.REDIS_URL;
const skip =
  fixturesMissing ||
  (databaseUrl && redisUrl ? false : "DATABASE_URL and REDIS_URL not both set: scaled-out tests skipped");
const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));
const ask = { messages: [{ role: "user" as const, content: "Hello" }], max_tokens: 363 };

describe("two replicas on PostgreSQL and Redis", { skip }, () => {
  const schemas = new PostgresTestSchemas(databaseUrl ?? "");
  let upstream: FakeUpstream;
  let env: Record<string, string>;
  let replicas: TestGateway[] = [];

  before(async () => {
    upstream = await startFakeUpstream(() => replyWithJsonFixture("openai/chat-completion-text.json"));
    env = {
      DATABASE_URL: await schemas.create(),
      REDIS_URL: redisUrl ?? "",
      AIG_REDIS_KEY_PREFIX: `aig-test-${randomUUID()}:`,
      OPENAI_API_KEY: "test-key",
      OPENAI_BASE_URL: upstream.baseUrl,
      AIG_CONFIG: writePricedModelConfig(),
    };
    replicas = await Promise.all([startTestGateway(env), startTestGateway(env)]);
  });
  after(async () => {
    for (const replica of replicas) await replica.close();
    await upstream.close();
    await schemas.dropAll();
  });

  async function createSubAccount(fields: Record<string, unknown>): Promise<{ id: string; key: string }> {
    const first = replicas[0] as TestGateway;
    const created = await callApi<{ id: string; key: string }>(
      first.baseUrl,
      first.ownerKey,
      "POST",
      "/v1/sub-accounts",
      fields,
    );
    assert.equal(created.status, 201);
    return created.body;
  }

  it("3× a key's RPM sent round-robin across both: exactly the limit succeeds, the rest get 429", async () => {
    const sub = await createSubAccount({ name: "rpm", rate_limit_rpm: 5 });
    const results = await Promise.allSettled(
      Array.from({ length: 15 }, (_, index) =>
        (replicas[index % 2] as TestGateway)
          .client(sub.key)
          .chat.completions.create({ model: "aigateway/echo", messages: ask.messages }),
      ),
    );
    assert.equal(results.filter((result) => result.status === "fulfilled").length, 5);
    const refused = results
      .filter((result) => result.status === "rejected")
      .map((result) => result.reason as unknown);
    assert.equal(refused.length, 10);
    for (const error of refused) {
      assert.ok(error instanceof OpenAI.RateLimitError);
      const retryAfter = Number(error.headers?.get("retry-after"));
      assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
    }
  });

  it("200 concurrent requests across both against a cap affording 10: exactly 10 admitted", async () => {
    const sub = await createSubAccount({ name: "cap", spend_cap_cents: 363 });
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, (_, index) =>
        (replicas[index % 2] as TestGateway)
          .client(sub.key)
          .chat.completions.create({ model: "test/priced", ...ask }),
      ),
    );
    assert.equal(results.filter((result) => result.status === "fulfilled").length, 10);
    assert.ok(
      results.every(
        (result) => result.status === "fulfilled" || (result.reason as { status?: number }).status === 402,
      ),
    );
    for (const replica of replicas) await replica.gateway.usage.flush();
    const first = replicas[0] as TestGateway;
    const recent = await callApi<{ data: { cost_nanodollars: number }[] }>(
      first.baseUrl,
      sub.key,
      "GET",
      "/v1/usage/recent?limit=500",
    );
    assert.equal(recent.body.data.length, 200);
    assert.equal(
      recent.body.data.reduce((total, row) => total + row.cost_nanodollars, 0),
      10 * pricedCompletionNanodollars,
    );
    const bySubAccount = await callApi<{ data: { sub_account_id: string; cost_cents: number }[] }>(
      first.baseUrl,
      first.ownerKey,
      "GET",
      "/v1/usage/by-sub-account",
    );
    assert.equal(bySubAccount.body.data.find((row) => row.sub_account_id === sub.id)?.cost_cents, 363);
  });

  it("a cap changed through one replica applies at the other on its next request", async () => {
    const sub = await createSubAccount({ name: "patched", spend_cap_cents: 0 });
    const [first, second] = replicas as [TestGateway, TestGateway];
    await assert.rejects(
      second.client(sub.key).chat.completions.create({ model: "test/priced", ...ask }),
      (error: unknown) => (error as { status?: number }).status === 402,
    );
    await callApi(first.baseUrl, first.ownerKey, "PATCH", `/v1/sub-accounts/${sub.id}`, {
      spend_cap_cents: 100,
    });
    // The change is announced over Redis; the other replica drops its cached profile at once.
    let completion;
    for (let attempt = 0; attempt < 100 && !completion; attempt++) {
      completion = await second
        .client(sub.key)
        .chat.completions.create({ model: "test/priced", ...ask })
        .catch(() => new Promise((resolve) => setTimeout(resolve, 20)).then(() => undefined));
    }
    assert.ok(completion, "the raised cap was never seen by the other replica");
  });

  it(
    "a usage row stored by one replica reaches a live stream opened on the other",
    { timeout: 20_000 },
    async () => {
      const [first, second] = replicas as [TestGateway, TestGateway];
      const stream = await openUsageStream(first.baseUrl, first.ownerKey);
      try {
        await second.openai.chat.completions.create(
          { model: "aigateway/echo", messages: ask.messages },
          { headers: { "x-request-id": "fan-out-1" } },
        );
        // Rows of earlier tests may still be arriving; the one asked for must come among them.
        let row = await stream.next();
        for (let skipped = 0; row.request_id !== "fan-out-1" && skipped < 500; skipped++)
          row = await stream.next();
        assert.equal(row.request_id, "fan-out-1");
      } finally {
        stream.close();
      }
    },
  );

  it("a replica killed with SIGKILL mid-traffic: the other keeps serving, the restart finds nothing stuck", async () => {
    const childEnv = {
      ...env,
      PATH: process.env.PATH ?? "",
      HOST: "127.0.0.1",
      PORT: "0",
      AIG_ADMIN_KEY: testOwnerKey,
    };
    const start = async (): Promise<{ child: ChildProcess; client: OpenAI }> => {
      const child = spawn(process.execPath, [main], { env: childEnv, stdio: ["ignore", "pipe", "inherit"] });
      const log = createLogReader(child.stdout);
      const { address } = (await log.waitFor("aigateway listening")) as { address: string };
      return { child, client: new OpenAI({ apiKey: testOwnerKey, baseURL: `${address}/v1`, maxRetries: 0 }) };
    };
    const doomed = await start();
    const survivor = replicas[0] as TestGateway;
    const traffic = Array.from({ length: 20 }, (_, index) =>
      (index % 2 === 0 ? doomed.client : survivor.openai).chat.completions
        .create({ model: "aigateway/echo", messages: [{ role: "user", content: `request ${index}` }] })
        .then(
          () => "ok",
          () => "failed",
        ),
    );
    const exited = once(doomed.child, "exit");
    doomed.child.kill("SIGKILL");
    await exited;
    const outcomes = await Promise.all(traffic);
    // Every request to the survivor succeeded; the killed one's may have failed, nothing hung.
    assert.ok(outcomes.filter((_, index) => index % 2 === 1).every((outcome) => outcome === "ok"));
    const after = await survivor.openai.chat.completions.create({
      model: "aigateway/echo",
      messages: ask.messages,
    });
    assert.equal(after.choices[0]?.message.content, "Hello");

    // The restart runs migrations under the advisory lock: a lock held by the dead session is gone.
    const restarted = await start();
    try {
      const answer = await restarted.client.chat.completions.create({
        model: "aigateway/echo",
        messages: ask.messages,
      });
      assert.equal(answer.choices[0]?.message.content, "Hello");
    } finally {
      const done = once(restarted.child, "exit");
      restarted.child.kill("SIGTERM");
      await done;
    }
  });
});

describe("Redis unreachable", { skip: fixturesMissing }, () => {
  let gateway: TestGateway;
  before(async () => {
    gateway = await startTestGateway({ REDIS_URL: "redis://127.0.0.1:1", AIG_REDIS_KEY_PREFIX: "aig-down:" });
  });
  after(() => gateway.close());

  it("fails closed with a clear 503 instead of letting requests past limits it cannot check", async () => {
    await assert.rejects(
      gateway.openai.chat.completions.create({ model: "aigateway/echo", messages: ask.messages }),
      (error: unknown) => {
        assert.ok(error instanceof OpenAI.APIError);
        assert.equal(error.status, 503);
        assert.match(error.message, /Rate limits cannot be checked right now/);
        assert.equal((error.headers as Headers | undefined)?.get("retry-after"), "1");
        return true;
      },
    );
    const stream = await fetch(`${gateway.baseUrl}/v1/usage/stream`, {
      headers: { authorization: `Bearer ${gateway.ownerKey}` },
    });
    assert.equal(stream.status, 503);
    await stream.body?.cancel();
    // Reading one's own keys needs no shared counter and still works.
    const keys = await callApi(gateway.baseUrl, gateway.ownerKey, "GET", "/v1/keys");
    assert.equal(keys.status, 200);
  });
});
