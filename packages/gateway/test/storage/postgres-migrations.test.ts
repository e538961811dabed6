// The PostgreSQL migration runner beyond the shared contract: status listing, failure recovery and
// the non-transactional escape hatch.
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import type { Pool } from "pg";
import { createPostgresPool } from "../../src/storage/postgres/create-postgres-pool.ts";
import {
  postgresMigrations,
  type PostgresMigration,
} from "../../src/storage/postgres/postgres-migrations.ts";
import {
  listMigrationStatus,
  runPostgresMigrations,
} from "../../src/storage/postgres/run-postgres-migrations.ts";
import { sqliteMigrations } from "../../src/storage/sqlite/sqlite-migrations.ts";
import { PostgresTestSchemas } from "./postgres-test-schemas.ts";

test("PostgreSQL and SQLite migrations carry the same versions and names", () => {
  const summary = (migrations: readonly { version: number; name: string }[]) =>
    migrations.map(({ version, name }) => ({ version, name }));
  assert.deepEqual(summary(postgresMigrations), summary(sqliteMigrations));
});

const databaseUrl = process.env.DATABASE_URL;
const skip = databaseUrl ? false : "DATABASE_URL not set: PostgreSQL migration tests skipped";

describe("PostgreSQL migration runner", { skip }, () => {
  const schemas = new PostgresTestSchemas(databaseUrl ?? "");
  const pools: Pool[] = [];
  after(async () => {
    await Promise.all(pools.map((pool) => pool.end()));
    await schemas.dropAll();
  });

  async function freshPool(): Promise<{ connectionString: string; pool: Pool }> {
    const connectionString = await schemas.create();
    const pool = createPostgresPool(connectionString, { maxConnections: 2 });
    pools.push(pool);
    return { connectionString, pool };
  }

  const allVersions = postgresMigrations.map((migration) => migration.version);

  test("lists every migration pending, then applied, and a second run applies nothing", async () => {
    const { pool } = await freshPool();
    const before = await listMigrationStatus(pool);
    assert.deepEqual(
      before.map(({ version, state, appliedAt }) => ({ version, state, appliedAt })),
      allVersions.map((version) => ({ version, state: "pending", appliedAt: null })),
    );

    const startedAt = Date.now();
    assert.deepEqual(await runPostgresMigrations(pool), allVersions);
    const applied = await listMigrationStatus(pool);
    for (const status of applied) {
      assert.equal(status.state, "applied");
      assert.ok(status.appliedAt !== null && status.appliedAt >= startedAt);
    }

    assert.deepEqual(await runPostgresMigrations(pool), []);
    assert.deepEqual(await listMigrationStatus(pool), applied);
  });

  test("lists a version recorded by a newer release as applied and leaves it alone", async () => {
    const { pool } = await freshPool();
    await runPostgresMigrations(pool);
    await pool.query(
      "INSERT INTO schema_migrations (version, name, applied_at) VALUES (9000, 'from the future', 1)",
    );

    assert.deepEqual(await runPostgresMigrations(pool), []);
    assert.deepEqual((await listMigrationStatus(pool)).at(-1), {
      version: 9000,
      name: "from the future",
      state: "applied",
      appliedAt: 1,
    });
  });

  test("a failing migration is rolled back and leaves no lock behind", { timeout: 20_000 }, async () => {
    const { connectionString, pool } = await freshPool();
    const broken: PostgresMigration = {
      version: 999,
      name: "fails halfway",
      sql: "CREATE TABLE half_done (id INTEGER); SELECT 1 / 0;",
    };
    await assert.rejects(runPostgresMigrations(pool, [...postgresMigrations, broken]), /division by zero/);

    const statuses = await listMigrationStatus(pool, [...postgresMigrations, broken]);
    assert.deepEqual(
      statuses.map(({ version, state }) => ({ version, state })),
      [...allVersions.map((version) => ({ version, state: "applied" })), { version: 999, state: "pending" }],
    );
    const leftover = await pool.query<{ present: boolean }>(
      "SELECT to_regclass('half_done') IS NOT NULL AS present",
    );
    assert.equal(leftover.rows[0]?.present, false);

    // A new session, like a restarted replica: it would block forever on a lock that outlived the failure.
    const restarted = createPostgresPool(connectionString, { maxConnections: 1 });
    pools.push(restarted);
    const fixed = { ...broken, sql: "CREATE TABLE half_done (id INTEGER)" };
    assert.deepEqual(await runPostgresMigrations(restarted, [...postgresMigrations, fixed]), [999]);
  });

  test("a non-transactional migration can build an index concurrently", async () => {
    const { pool } = await freshPool();
    const concurrentIndex: PostgresMigration = {
      version: 1_000,
      name: "usage by key",
      sql: "CREATE INDEX CONCURRENTLY IF NOT EXISTS usage_log_key_time ON usage_log(key_id, created_at DESC)",
      transactional: false,
    };
    assert.deepEqual(await runPostgresMigrations(pool, [...postgresMigrations, concurrentIndex]), [
      ...allVersions,
      1_000,
    ]);
    const index = await pool.query<{ present: boolean }>(
      "SELECT to_regclass('usage_log_key_time') IS NOT NULL AS present",
    );
    assert.equal(index.rows[0]?.present, true);
  });

  test(
    "replicas queued on the lock do not deadlock a concurrent index build",
    { timeout: 30_000 },
    async () => {
      const { connectionString } = await freshPool();
      const concurrentIndex: PostgresMigration = {
        version: 1_000,
        name: "usage by key",
        sql: "CREATE INDEX CONCURRENTLY IF NOT EXISTS usage_log_key_time ON usage_log(key_id, created_at DESC)",
        transactional: false,
      };
      // Separate pools are separate replicas; one of them builds the index while the others wait.
      const replicas = Array.from({ length: 3 }, () => {
        const pool = createPostgresPool(connectionString, { maxConnections: 1 });
        pools.push(pool);
        return pool;
      });
      const results = await Promise.all(
        replicas.map((pool) => runPostgresMigrations(pool, [...postgresMigrations, concurrentIndex])),
      );
      assert.deepEqual(results.flat().sort(), [...allVersions, 1_000].sort());
    },
  );
});
