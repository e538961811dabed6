// Outgrowing one machine: `aigateway export` from SQLite and `aigateway import` into PostgreSQL carry
// accounts, keys, sub-accounts, budgets, usage and events over, and the gateway runs on as before.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { callApi } from "./support/call-api.ts";
import { startTestGateway, testOwnerKey } from "./support/start-test-gateway.ts";
import { PostgresTestSchemas } from "./storage/postgres-test-schemas.ts";

const run = promisify(execFile);
const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));
const databaseUrl = process.env.DATABASE_URL;

describe(
  "moving from SQLite to PostgreSQL",
  { skip: databaseUrl ? false : "DATABASE_URL not set: export/import to PostgreSQL skipped" },
  () => {
    const schemas = new PostgresTestSchemas(databaseUrl ?? "");
    const dataDir = mkdtempSync(join(tmpdir(), "aig-export-"));
    const dump = join(dataDir, "dump.jsonl");
    let target = "";
    let subAccount = { id: "", key: "" };
    let before_: { byTag: unknown; recent: number } = { byTag: undefined, recent: 0 };

    before(async () => {
      target = await schemas.create();
      const source = await startTestGateway(
        { AIG_DATA_DIR: dataDir },
        { databasePath: join(dataDir, "aigateway.db") },
      );
      try {
        const created = await callApi<{ id: string; key: string }>(
          source.baseUrl,
          source.ownerKey,
          "POST",
          "/v1/sub-accounts",
          {
            name: "customer_1",
            spend_cap_cents: 500,
            default_tag: "tenant:1",
            allowed_models: ["aigateway/echo"],
          },
        );
        subAccount = created.body;
        await callApi(source.baseUrl, source.ownerKey, "POST", "/v1/budgets", {
          tag: "search",
          monthly_cap_cents: 900,
        });
        for (let index = 0; index < 5; index++) {
          await source.client(subAccount.key).chat.completions.create({
            model: "aigateway/echo",
            messages: [{ role: "user", content: `hello ${index}` }],
          });
          await source.openai.chat.completions.create(
            { model: "aigateway/echo", messages: [{ role: "user", content: "tagged" }] },
            { headers: { "x-aig-tag": "search" } },
          );
        }
        await source.gateway.usage.flush();
        before_ = {
          byTag: (await callApi(source.baseUrl, source.ownerKey, "GET", "/v1/usage/by-tag")).body,
          recent: (
            await callApi<{ data: unknown[] }>(source.baseUrl, source.ownerKey, "GET", "/v1/usage/recent")
          ).body.data.length,
        };
      } finally {
        await source.close();
      }
    });
    after(() => schemas.dropAll());

    it("exports every table and imports it into an empty PostgreSQL database", async () => {
      const env = { PATH: process.env.PATH ?? "", AIG_DATA_DIR: dataDir };
      const exported = await run(process.execPath, [main, "export", "--out", dump], { env });
      assert.match(exported.stderr, /exported .*accounts=2.*usage_log=10/);
      const lines = readFileSync(dump, "utf8").trim().split("\n");
      assert.equal((JSON.parse(lines[0] ?? "{}") as { format: string }).format, "aigateway-dump");

      const imported = await run(process.execPath, [main, "import", "--in", dump], {
        env: { ...env, DATABASE_URL: target },
      });
      assert.match(imported.stderr, /imported .*api_keys=2.*usage_log=10/);

      // A second import would merge into live data: refused.
      await assert.rejects(
        run(process.execPath, [main, "import", "--in", dump], { env: { ...env, DATABASE_URL: target } }),
        /already holds accounts/,
      );
    });

    it("the gateway on PostgreSQL serves the same keys, sub-accounts, budgets and usage", async () => {
      const moved = await startTestGateway({ DATABASE_URL: target });
      try {
        assert.equal(moved.ownerKey, testOwnerKey);
        assert.deepEqual(
          (await callApi(moved.baseUrl, moved.ownerKey, "GET", "/v1/usage/by-tag")).body,
          before_.byTag,
        );
        const completion = await moved.client(subAccount.key).chat.completions.create({
          model: "aigateway/echo",
          messages: [{ role: "user", content: "still here" }],
        });
        assert.equal(completion.choices[0]?.message.content, "still here");
        const listed = await callApi<{ data: { id: string; spend_cap_cents: number }[] }>(
          moved.baseUrl,
          moved.ownerKey,
          "GET",
          "/v1/sub-accounts",
        );
        assert.deepEqual(
          listed.body.data.map((row) => [row.id, row.spend_cap_cents]),
          [[subAccount.id, 500]],
        );
        const budgets = await callApi<{ data: { tag: string }[] }>(
          moved.baseUrl,
          moved.ownerKey,
          "GET",
          "/v1/budgets",
        );
        assert.deepEqual(
          budgets.body.data.map((row) => row.tag),
          ["search"],
        );
        // New rows get ids after the imported ones.
        await moved.openai.chat.completions.create({
          model: "aigateway/echo",
          messages: [{ role: "user", content: "new" }],
        });
        await moved.gateway.usage.flush();
        const recent = await callApi<{ data: unknown[] }>(
          moved.baseUrl,
          moved.ownerKey,
          "GET",
          "/v1/usage/recent",
        );
        assert.equal(recent.body.data.length, before_.recent + 1);
      } finally {
        await moved.close();
      }
    });
  },
);
