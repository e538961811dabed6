// Sub-accounts, caps, budgets and rate limits as a reseller's customer meets them: through the official
// openai SDK with a scoped key, against a fake upstream replaying a recorded completion.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";
import { replyWithJsonFixture, startFakeUpstream, type FakeUpstream } from "./support/fake-upstream.ts";
import { fixturesMissing } from "./support/fixtures.ts";
import { callApi } from "./support/call-api.ts";
import { pricedCompletionNanodollars, writePricedModelConfig } from "./support/priced-test-model.ts";
import { startTestGateway, type TestGateway } from "./support/start-test-gateway.ts";

interface SubAccount {
  id: string;
  key: string;
  spend_cap_cents: number | null;
  rate_limit_rpm: number | null;
  default_tag: string | null;
  allowed_models: string[] | null;
}

const ask = { messages: [{ role: "user" as const, content: "Hello" }], max_tokens: 363 };

describe("money layer through the openai SDK", { skip: fixturesMissing }, () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;
  let clock = Date.UTC(2026, 10, 24, 12);

  before(async () => {
    upstream = await startFakeUpstream(() => replyWithJsonFixture("openai/chat-completion-text.json"));
    gateway = await startTestGateway(
      { OPENAI_API_KEY: "test-key", OPENAI_BASE_URL: upstream.baseUrl, AIG_CONFIG: writePricedModelConfig() },
      { now: () => clock },
    );
  });
  after(async () => {
    await gateway.close();
    await upstream.close();
  });

  const api = <T = Record<string, unknown>>(key: string, method: string, path: string, body?: unknown) =>
    callApi<T>(gateway.baseUrl, key, method, path, body);

  async function createSubAccount(fields: Record<string, unknown>): Promise<SubAccount> {
    const created = await api<SubAccount>(gateway.ownerKey, "POST", "/v1/sub-accounts", fields);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.match(created.body.key, /^sk-aig-/);
    return created.body;
  }

  it("a sub-account key calls an allowed model, is refused others with 403, and bills under its tag", async () => {
    const sub = await createSubAccount({
      name: "customer_123",
      external_ref: "crm-123",
      allowed_models: ["test/priced"],
      default_tag: "tenant:abc",
    });
    assert.deepEqual(sub.allowed_models, ["test/priced"]);
    const client = gateway.client(sub.key);
    const { data, response } = await client.chat.completions
      .create({ model: "test/priced", ...ask })
      .withResponse();
    assert.equal(data.model, "test/priced");
    assert.equal(response.headers.get("x-cost-cents"), "36.3");
    assert.equal(response.headers.get("x-ratelimit-limit-requests"), "30000");
    assert.equal(response.headers.get("x-ratelimit-remaining-requests"), "29999");

    await assert.rejects(
      client.chat.completions.create({ model: "openai/gpt-4.1-nano", ...ask }),
      (error: unknown) =>
        error instanceof OpenAI.PermissionDeniedError && /not allowed for this key/.test(error.message),
    );

    const byTag = await api<{ data: { tag: string | null; requests: number; cost_cents: number }[] }>(
      sub.key,
      "GET",
      "/v1/usage/by-tag",
    );
    const tenant = byTag.body.data.find((row) => row.tag === "tenant:abc");
    assert.equal(tenant?.cost_cents, 36.3);
    // The refused request is logged (403) and cost nothing.
    assert.equal(tenant?.requests, 2);
  });

  it("stops a sub-account at its monthly cap with 402 and the spend in the message", async () => {
    const sub = await createSubAccount({ name: "capped", spend_cap_cents: 100 });
    const client = gateway.client(sub.key);
    // 36.3 cents each: two fit under $1.00, the third would not.
    await client.chat.completions.create({ model: "test/priced", ...ask });
    await client.chat.completions.create({ model: "test/priced", ...ask });
    await assert.rejects(
      client.chat.completions.create({ model: "test/priced", ...ask }),
      (error: unknown) => {
        assert.ok(error instanceof OpenAI.APIError);
        assert.equal(error.status, 402);
        assert.match(error.message, /Sub-account monthly spend cap of \$1\.00 reached \(spent \$0\.73\)/);
        assert.equal((error.error as { type?: string }).type, "budget_exceeded");
        return true;
      },
    );
    const balance = await api(sub.key, "GET", "/v1/balance");
    assert.equal(balance.body.month_to_date_spend_cents, 72.6);
    assert.equal(balance.body.spend_cap_cents, 100);
    assert.equal(balance.body.sub_account_id, sub.id);

    // Raising the cap lets it spend again at once.
    const patched = await api(gateway.ownerKey, "PATCH", `/v1/sub-accounts/${sub.id}`, {
      spend_cap_cents: 200,
    });
    assert.equal(patched.body.spend_cap_cents, 200);
    await client.chat.completions.create({ model: "test/priced", ...ask });
  });

  it("answers over-RPM with 429 and Retry-After, which the SDK's retry honours", async () => {
    const sub = await createSubAccount({ name: "limited", rate_limit_rpm: 3 });
    const start = clock;
    for (let index = 0; index < 3; index++) {
      await gateway
        .client(sub.key)
        .chat.completions.create({ model: "aigateway/echo", messages: ask.messages });
    }
    await assert.rejects(
      gateway.client(sub.key).chat.completions.create({ model: "aigateway/echo", messages: ask.messages }),
      (error: unknown) => {
        assert.ok(error instanceof OpenAI.RateLimitError);
        assert.equal(error.headers?.get("retry-after"), "60");
        return true;
      },
    );
    // 59 s later the window frees up in 1 s: the SDK waits that long, then its retry succeeds.
    clock = start + 59_000;
    const seen: number[] = [];
    const retrying = new OpenAI({
      apiKey: sub.key,
      baseURL: `${gateway.baseUrl}/v1`,
      maxRetries: 1,
      fetch: async (url, init) => {
        const response = await fetch(url, init);
        seen.push(response.status);
        if (response.status === 429) {
          assert.equal(response.headers.get("retry-after"), "1");
          clock = start + 60_000;
        }
        return response;
      },
    });
    const completion = await retrying.chat.completions.create({
      model: "aigateway/echo",
      messages: ask.messages,
    });
    assert.equal(completion.choices[0]?.message.content, "Hello");
    assert.deepEqual(seen, [429, 200]);
  });

  it("enforces a per-tag monthly budget before dispatch", async () => {
    const budget = await api(gateway.ownerKey, "POST", "/v1/budgets", {
      tag: "feature-x",
      monthly_cap_cents: 50,
    });
    assert.equal(budget.status, 201);
    const tagged = { headers: { "x-aig-tag": "feature-x" } };
    await gateway.openai.chat.completions.create({ model: "test/priced", ...ask }, tagged);
    const sentBefore = upstream.requests.length;
    await assert.rejects(
      gateway.openai.chat.completions.create({ model: "test/priced", ...ask }, tagged),
      (error: unknown) => {
        assert.ok(error instanceof OpenAI.APIError);
        assert.equal(error.status, 402);
        assert.match(error.message, /Monthly budget of \$0\.50 for tag "feature-x" reached/);
        return true;
      },
    );
    assert.equal(upstream.requests.length, sentBefore, "an over-budget request is never sent upstream");
    const listed = await api<{ data: { tag: string; month_to_date_spend_cents: number }[] }>(
      gateway.ownerKey,
      "GET",
      "/v1/budgets",
    );
    assert.equal(listed.body.data.find((row) => row.tag === "feature-x")?.month_to_date_spend_cents, 36.3);
    await api(gateway.ownerKey, "DELETE", "/v1/budgets/feature-x");
    await gateway.openai.chat.completions.create({ model: "test/priced", ...ask }, tagged);
  });

  it("200 concurrent requests against a cap affording 10: exactly 10 admitted, spend never above the cap", async () => {
    const sub = await createSubAccount({ name: "race", spend_cap_cents: 363 });
    const client = gateway.client(sub.key);
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, () => client.chat.completions.create({ model: "test/priced", ...ask })),
    );
    const admitted = results.filter((result) => result.status === "fulfilled");
    const refused = results.filter(
      (result) => result.status === "rejected" && (result.reason as { status?: number }).status === 402,
    );
    assert.equal(admitted.length, 10);
    assert.equal(refused.length, 190);
    await gateway.gateway.usage.flush();
    const recent = await api<{ data: { cost_nanodollars: number; status: number }[] }>(
      sub.key,
      "GET",
      "/v1/usage/recent?limit=500",
    );
    const rowTotal = recent.body.data.reduce((total, row) => total + row.cost_nanodollars, 0);
    assert.equal(rowTotal, 10 * pricedCompletionNanodollars);
    const usage = await api<{ summary: { cost_cents: number; requests: number } }>(
      gateway.ownerKey,
      "GET",
      `/v1/sub-accounts/${sub.id}/usage?window=30d`,
    );
    assert.equal(usage.body.summary.cost_cents, 363);
    assert.equal(usage.body.summary.requests, 200);
    // Spend reached the cap exactly: each threshold is reported once although 200 requests raced.
    const events = await waitForEvents(gateway, sub.id, 4);
    assert.deepEqual(
      events
        .map((event) => [event.type, (event.data as { threshold_percent: number }).threshold_percent])
        .sort(),
      [
        ["sub_account.budget.exhausted", 100],
        ["usage.threshold", 100],
        ["usage.threshold", 50],
        ["usage.threshold", 80],
      ],
    );
  });

  it("records usage.threshold as spend crosses 50 and 80 %, and sub_account.budget.exhausted once", async () => {
    // 36.3 cents a request against $1.09: 33 %, 67 %, 99.9 %, then refusals.
    const sub = await createSubAccount({ name: "thresholds", spend_cap_cents: 109, external_ref: "crm-9" });
    const client = gateway.client(sub.key);
    for (let index = 0; index < 3; index++)
      await client.chat.completions.create({ model: "test/priced", ...ask });
    await assert.rejects(client.chat.completions.create({ model: "test/priced", ...ask }));
    await assert.rejects(client.chat.completions.create({ model: "test/priced", ...ask }));
    const events = await waitForEvents(gateway, sub.id, 3);
    assert.deepEqual(
      events
        .map((event) => [event.type, (event.data as { threshold_percent: number }).threshold_percent])
        .sort(),
      [
        ["sub_account.budget.exhausted", 100],
        ["usage.threshold", 50],
        ["usage.threshold", 80],
      ],
    );
    const exhausted = events.find((event) => event.type === "sub_account.budget.exhausted")?.data as {
      cap_cents: number;
      spent_cents: number;
      external_ref: string;
    };
    assert.deepEqual(
      [exhausted.cap_cents, exhausted.spent_cents, exhausted.external_ref],
      [109, 108.9, "crm-9"],
    );
  });

  it("keeps sub-accounts out of their parent's and siblings' resources", async () => {
    const first = await createSubAccount({ name: "first" });
    const second = await createSubAccount({ name: "second" });
    for (const [method, path] of [
      ["GET", "/v1/sub-accounts"],
      ["GET", `/v1/sub-accounts/${second.id}`],
      ["DELETE", `/v1/sub-accounts/${second.id}`],
      ["GET", "/v1/usage/by-sub-account"],
      ["POST", "/v1/sub-accounts"],
      ["GET", "/v1/budgets"],
      ["GET", "/v1/admin/accounts"],
    ] as const) {
      const response = await api(first.key, method, path, method === "POST" ? { name: "x" } : undefined);
      assert.equal(response.status, 403, `${method} ${path}`);
    }
    // Its own keys only; the parent's key ids are unknown to it.
    const keys = await api<{ data: { id: string }[] }>(first.key, "GET", "/v1/keys");
    assert.equal(keys.body.data.length, 1);
    const parentKeys = await api<{ data: { id: string }[] }>(gateway.ownerKey, "GET", "/v1/keys");
    const parentKeyId = parentKeys.body.data[0]?.id ?? "";
    assert.equal((await api(first.key, "DELETE", `/v1/keys/${parentKeyId}`)).status, 404);
    const recent = await api<{ data: unknown[] }>(first.key, "GET", "/v1/usage/recent");
    assert.equal(recent.body.data.length, 0);

    // Another tenant's owner cannot see this parent's sub-accounts, nor reach the admin API.
    const tenant = await api<{ key: string }>(gateway.ownerKey, "POST", "/v1/admin/accounts", {
      name: "another tenant",
      tier: "starter",
    });
    assert.equal(tenant.status, 201);
    assert.equal((await api(tenant.body.key, "GET", `/v1/sub-accounts/${first.id}`)).status, 404);
    assert.equal((await api(tenant.body.key, "GET", "/v1/admin/accounts")).status, 403);
    const balance = await api(tenant.body.key, "GET", "/v1/balance");
    assert.equal(balance.body.tier, "starter");
    assert.equal(balance.body.rate_limit_rpm, 120);

    // A deleted sub-account's key stops working.
    assert.equal((await api(gateway.ownerKey, "DELETE", `/v1/sub-accounts/${second.id}`)).status, 200);
    await assert.rejects(
      gateway.client(second.key).chat.completions.create({ model: "aigateway/echo", messages: ask.messages }),
      OpenAI.AuthenticationError,
    );
  });

  it("draws prepaid credit down, refuses at zero with 402, and resumes after a top-up", async () => {
    const tenant = await api<{ id: string; key: string; credit_cents: number }>(
      gateway.ownerKey,
      "POST",
      "/v1/admin/accounts",
      { name: "prepaid", credit_cents: 80 },
    );
    assert.equal(tenant.status, 201);
    assert.equal(tenant.body.credit_cents, 80);
    const client = gateway.client(tenant.body.key);
    await client.chat.completions.create({ model: "test/priced", ...ask });
    await client.chat.completions.create({ model: "test/priced", ...ask });
    await assert.rejects(
      client.chat.completions.create({ model: "test/priced", ...ask }),
      (error: unknown) => {
        assert.equal((error as { status?: number }).status, 402);
        assert.match((error as Error).message, /Prepaid credit of \$0\.80 used up \(spent \$0\.73\)/);
        return true;
      },
    );
    const before = await api(tenant.body.key, "GET", "/v1/balance");
    assert.equal(before.body.balance_cents, 7.4);
    const topped = await api(gateway.ownerKey, "PATCH", `/v1/admin/accounts/${tenant.body.id}`, {
      add_credit_cents: 100,
    });
    assert.equal(topped.body.credit_cents, 180);
    await client.chat.completions.create({ model: "test/priced", ...ask });
    const after = await api(tenant.body.key, "GET", "/v1/balance");
    assert.equal(after.body.balance_cents, 71.1);
    assert.equal(after.body.month_to_date_spend_cents, 108.9);
  });

  it("holds a free-tier key to 10 per minute and 60 per rolling day", async () => {
    const tenant = await api<{ key: string }>(gateway.ownerKey, "POST", "/v1/admin/accounts", {
      name: "free user",
      tier: "free",
    });
    const client = gateway.client(tenant.body.key);
    const start = clock;
    const echo = () => client.chat.completions.create({ model: "aigateway/echo", messages: ask.messages });
    try {
      for (let minute = 0; minute < 6; minute++) {
        clock = start + minute * 61_000;
        for (let index = 0; index < 10; index++) await echo();
        await assert.rejects(echo(), (error: unknown) => /per minute/.test((error as Error).message));
      }
      clock = start + 6 * 61_000;
      await assert.rejects(echo(), (error: unknown) => {
        assert.ok(error instanceof OpenAI.RateLimitError);
        assert.match(error.message, /60 requests per day/);
        return true;
      });
      clock = start + 86_400_000 + 1;
      await echo();
    } finally {
      clock = start;
    }
  });

  it("rejects bad sub-account input with 400 naming the field", async () => {
    for (const [body, param] of [
      [{ name: "x", rate_limit_rpm: 1_000_000 }, "rate_limit_rpm"],
      [{ name: "x", allowed_models: ["nope/model"] }, "allowed_models"],
      [{ name: "x", spend_cap_cents: -1 }, "spend_cap_cents"],
      [{}, "name"],
    ] as const) {
      const response = await api<{ error: { param: string; type: string } }>(
        gateway.ownerKey,
        "POST",
        "/v1/sub-accounts",
        body,
      );
      assert.equal(response.status, 400);
      assert.equal(response.body.error.param, param);
    }
  });
});

async function waitForEvents(gateway: TestGateway, subAccountId: string, count: number) {
  for (let attempt = 0; attempt < 200; attempt++) {
    const events = (await gateway.gateway.storage.events.listEvents("acct_default", 100))
      .filter((event) => (event.data as { sub_account_id?: string }).sub_account_id === subAccountId)
      .reverse();
    if (events.length >= count) return events;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`fewer than ${count} events for ${subAccountId}`);
}
