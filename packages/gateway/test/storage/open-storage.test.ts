import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { openStorage } from "../../src/storage/open-storage.ts";
import { PostgresTestSchemas } from "./postgres-test-schemas.ts";

const directory = await mkdtemp(join(tmpdir(), "aig-open-storage-"));
after(() => rm(directory, { recursive: true, force: true }));

test("without a database URL (unset or empty) the storage is SQLite at the given path", async () => {
  for (const databaseUrl of [undefined, ""]) {
    const storage = await openStorage({ databaseUrl, sqlitePath: join(directory, "nested", "gateway.db") });
    try {
      assert.equal(storage.kind, "sqlite");
      assert.equal(await storage.ping(), true);
    } finally {
      await storage.close();
    }
  }
});

const databaseUrl = process.env.DATABASE_URL;
test(
  "with a database URL the storage is PostgreSQL",
  { skip: databaseUrl ? false : "DATABASE_URL not set: PostgreSQL selection test skipped" },
  async () => {
    const schemas = new PostgresTestSchemas(databaseUrl ?? "");
    try {
      const storage = await openStorage({
        databaseUrl: await schemas.create(),
        sqlitePath: join(directory, "unused.db"),
      });
      try {
        assert.equal(storage.kind, "postgres");
        assert.equal(await storage.ping(), true);
      } finally {
        await storage.close();
      }
    } finally {
      await schemas.dropAll();
    }
  },
);
