// `aigateway migrate` as an operator runs it before a deploy.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runMigrateCommand } from "../src/commands/migrate-command.ts";
import { loadConfig } from "../src/config/load-config.ts";
import { PostgresTestSchemas } from "./storage/postgres-test-schemas.ts";

describe("aigateway migrate on SQLite", () => {
  it("lists pending migrations, applies them, then lists them applied", async () => {
    const config = loadConfig({ AIG_DATA_DIR: mkdtempSync(join(tmpdir(), "aig-migrate-")) }, "/");
    assert.match(await runMigrateCommand(config, ["--status"]), /^\s+1\s+pending/m);
    assert.match(await runMigrateCommand(config, []), /^\s+1\s+applied/m);
    assert.match(await runMigrateCommand(config, ["--status"]), /^\s+1\s+applied/m);
  });
});

const databaseUrl = process.env.DATABASE_URL;

describe("aigateway migrate on PostgreSQL", { skip: databaseUrl ? false : "DATABASE_URL not set" }, () => {
  const schemas = new PostgresTestSchemas(databaseUrl ?? "");
  after(() => schemas.dropAll());

  it("applies once; running it again changes nothing", async () => {
    const config = loadConfig({ DATABASE_URL: await schemas.create() }, "/");
    assert.match(await runMigrateCommand(config, ["--status"]), /pending/);
    const first = await runMigrateCommand(config, []);
    const second = await runMigrateCommand(config, []);
    assert.equal(second, first);
    assert.doesNotMatch(second, /pending/);
  });
});
