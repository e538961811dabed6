// The whole gateway on PostgreSQL: the same requests, with state in the shared database.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import OpenAI from "openai";
import { startTestGateway, type TestGateway } from "./support/start-test-gateway.ts";
import { PostgresTestSchemas } from "./storage/postgres-test-schemas.ts";

const databaseUrl = process.env.DATABASE_URL;

describe(
  "gateway on PostgreSQL",
  { skip: databaseUrl ? false : "DATABASE_URL not set: PostgreSQL gateway tests skipped" },
  () => {
    const schemas = new PostgresTestSchemas(databaseUrl ?? "");
    let replicas: TestGateway[] = [];

    before(async () => {
      const env: Record<string, string> = { DATABASE_URL: await schemas.create() };
      if (process.env.REDIS_URL) {
        env.REDIS_URL = process.env.REDIS_URL;
        env.AIG_REDIS_KEY_PREFIX = `aig-test-${randomUUID()}:`;
      }
      // Two replicas starting together on one fresh database: migrations and bootstrap must not race.
      replicas = await Promise.all([startTestGateway(env), startTestGateway(env)]);
    });
    after(async () => {
      for (const replica of replicas) await replica.close();
      await schemas.dropAll();
    });

    it("serves requests from both replicas and shows each usage row once from either", async () => {
      const [first, second] = replicas;
      assert.ok(first && second);
      const ready = await fetch(`${first.baseUrl}/ready`);
      assert.deepEqual(await ready.json(), { status: "ready", storage: { kind: "postgres", ok: true } });
      const ids = ["pg-one", "pg-two"];
      await first.openai.chat.completions.create(
        { model: "aigateway/echo", messages: [{ role: "user", content: "from one" }] },
        { headers: { "x-request-id": ids[0] } },
      );
      await second.openai.chat.completions.create(
        { model: "aigateway/echo", messages: [{ role: "user", content: "from two" }] },
        { headers: { "x-request-id": ids[1] } },
      );
      await first.gateway.usage.flush();
      await second.gateway.usage.flush();
      for (const replica of replicas) {
        const response = await fetch(`${replica.baseUrl}/v1/usage/recent?limit=10`, {
          headers: { authorization: `Bearer ${replica.ownerKey}` },
        });
        const rows = ((await response.json()) as { data: { request_id: string }[] }).data;
        for (const id of ids) assert.equal(rows.filter((row) => row.request_id === id).length, 1);
      }
    });

    it("accepts a key minted on one replica at the other", async () => {
      const [first, second] = replicas;
      assert.ok(first && second);
      const created = await fetch(`${first.baseUrl}/v1/keys`, {
        method: "POST",
        headers: { authorization: `Bearer ${first.ownerKey}`, "content-type": "application/json" },
        body: "{}",
      });
      const { key } = (await created.json()) as { key: string };
      const completion = await second.client(key).chat.completions.create({
        model: "aigateway/echo",
        messages: [{ role: "user", content: "hello" }],
      });
      assert.equal(completion.choices[0]?.message.content, "hello");
    });

    it(
      "refuses a key revoked through one replica at the other on its next request",
      { skip: process.env.REDIS_URL ? false : "REDIS_URL not set: cross-replica revocation needs Redis" },
      async () => {
        const [first, second] = replicas;
        assert.ok(first && second);
        const created = await fetch(`${first.baseUrl}/v1/keys`, {
          method: "POST",
          headers: { authorization: `Bearer ${first.ownerKey}`, "content-type": "application/json" },
          body: "{}",
        });
        const { id, key } = (await created.json()) as { id: string; key: string };
        const atSecond = second.client(key);
        // The second replica now has the key in its cache.
        await atSecond.chat.completions.create({
          model: "aigateway/echo",
          messages: [{ role: "user", content: "x" }],
        });
        const revoked = await fetch(`${first.baseUrl}/v1/keys/${id}`, {
          method: "DELETE",
          headers: { authorization: `Bearer ${first.ownerKey}` },
        });
        assert.equal(revoked.status, 200);
        await assert.rejects(
          atSecond.chat.completions.create({
            model: "aigateway/echo",
            messages: [{ role: "user", content: "x" }],
          }),
          OpenAI.AuthenticationError,
        );
      },
    );
  },
);
