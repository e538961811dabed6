// Key management and the usage log, as an owner and a member would use them.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";
import { startTestGateway, type TestGateway } from "./support/start-test-gateway.ts";

interface KeyObject {
  id: string;
  key?: string;
  prefix: string;
  role: string;
  last_used_at: number | null;
  revoked_at: number | null;
}

interface UsageRow {
  request_id: string;
  model: string;
  status: number;
  tag: string | null;
  prompt_tokens: number;
  completion_tokens: number;
  cost_cents: number;
  latency_ms: number;
  key_id: string;
  created_at: string;
}

describe("keys and usage", () => {
  let gateway: TestGateway;

  before(async () => {
    gateway = await startTestGateway();
  });
  after(async () => {
    await gateway.close();
  });

  async function call(method: string, path: string, apiKey: string, body?: unknown) {
    const response = await fetch(`${gateway.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, ...(body ? { "content-type": "application/json" } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  const echo = (client: OpenAI) =>
    client.chat.completions.create({
      model: "aigateway/echo",
      messages: [{ role: "user", content: "ping" }],
    });

  it("mints a key that works at once and is listed without its secret", async () => {
    const created = await call("POST", "/v1/keys", gateway.ownerKey, { name: "ci" });
    assert.equal(created.status, 201);
    const key = created.body as unknown as KeyObject;
    assert.match(key.key ?? "", /^sk-aig-/);
    assert.equal(key.role, "member");
    await echo(gateway.client(key.key ?? ""));
    const listed = await call("GET", "/v1/keys", gateway.ownerKey);
    const entries = listed.body.data as KeyObject[];
    const entry = entries.find((candidate) => candidate.id === key.id);
    assert.ok(entry);
    assert.equal(entry.key, undefined);
    assert.ok(key.key?.startsWith(entry.prefix));
    assert.ok(entry.last_used_at !== null);
  });

  it("refuses a revoked key on its very next request", async () => {
    const key = (await call("POST", "/v1/keys", gateway.ownerKey, {})).body as unknown as KeyObject;
    const client = gateway.client(key.key ?? "");
    await echo(client);
    const revoked = await call("DELETE", `/v1/keys/${key.id}`, gateway.ownerKey);
    assert.equal(revoked.status, 200);
    await assert.rejects(echo(client), OpenAI.AuthenticationError);
  });

  it("lets only owner keys manage keys", async () => {
    const member = (await call("POST", "/v1/keys", gateway.ownerKey, {})).body as unknown as KeyObject;
    const attempt = await call("POST", "/v1/keys", member.key ?? "", {});
    assert.equal(attempt.status, 403);
    assert.equal((attempt.body.error as { type: string }).type, "permission_error");
    const missing = await call("DELETE", "/v1/keys/key_missing", gateway.ownerKey);
    assert.equal(missing.status, 404);
  });

  it("rotates a key: the old one works until the new one is first used", async () => {
    const old = (await call("POST", "/v1/keys", gateway.ownerKey, { name: "rotating" }))
      .body as unknown as KeyObject;
    const rotated = await call("POST", `/v1/keys/${old.id}/rotate`, gateway.ownerKey);
    assert.equal(rotated.status, 201);
    const successor = rotated.body as unknown as KeyObject;
    const oldClient = gateway.client(old.key ?? "");
    await echo(oldClient);
    await echo(gateway.client(successor.key ?? ""));
    await assert.rejects(echo(oldClient), OpenAI.AuthenticationError);
    const events = await gateway.gateway.storage.events.listEvents("acct_default", 10);
    assert.ok(events.some((event) => event.type === "key.rotated"));
  });

  it("logs every request, success and failure, with tokens, cost and tag", async () => {
    const { response } = await gateway.openai.chat.completions
      .create(
        { model: "aigateway/echo", messages: [{ role: "user", content: "count these words" }] },
        { headers: { "x-aig-tag": "feature:search", "x-request-id": "trace-123" } },
      )
      .withResponse();
    assert.equal(response.headers.get("x-request-id"), "trace-123");
    await gateway.openai.chat.completions
      .create({ model: "nobody/none", messages: [{ role: "user", content: "x" }] })
      .catch(() => undefined);
    const recent = await call("GET", "/v1/usage/recent?limit=5", gateway.ownerKey);
    const rows = recent.body.data as UsageRow[];
    const failed = rows[0];
    const succeeded = rows.find((row) => row.request_id === "trace-123");
    assert.equal(failed?.status, 404);
    assert.equal(succeeded?.status, 200);
    assert.equal(succeeded?.tag, "feature:search");
    assert.equal(succeeded?.model, "aigateway/echo");
    assert.ok((succeeded?.prompt_tokens ?? 0) > 0 && (succeeded?.completion_tokens ?? 0) > 0);
    assert.equal(succeeded?.cost_cents, 0);
    assert.ok(!Number.isNaN(Date.parse(succeeded?.created_at ?? "")));
    const invalidLimit = await call("GET", "/v1/usage/recent?limit=0", gateway.ownerKey);
    assert.equal(invalidLimit.status, 400);
  });

  it("keeps each account's usage to itself", async () => {
    const member = (await call("POST", "/v1/keys", gateway.ownerKey, {})).body as unknown as KeyObject;
    const memberRows = await call("GET", "/v1/usage/recent", member.key ?? "");
    // Same account: members see the account's log; other accounts are never in it.
    const rows = memberRows.body.data as UsageRow[];
    assert.ok(rows.length > 0);
  });
});
