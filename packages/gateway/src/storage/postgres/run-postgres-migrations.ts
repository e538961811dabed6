import type { Pool, PoolClient } from "pg";
import { postgresMigrations, type PostgresMigration } from "./postgres-migrations.ts";

// Every release and replica must agree on this key. It is derived from the schema so two gateways
// sharing one database in different schemas (and parallel test runs) never wait on each other.
const MIGRATION_LOCK_KEY_SQL = "hashtextextended('aigateway-migrations:' || current_schema(), 0)";
const LOCK_RETRY_MS = 50;

/**
 * Takes the migration lock by polling pg_try_advisory_lock. A blocking pg_advisory_lock would keep
 * the waiter's statement (and its snapshot) open, and CREATE INDEX CONCURRENTLY in the holder waits
 * for every older snapshot to end: the two would deadlock.
 */
async function acquireMigrationLock(client: PoolClient): Promise<void> {
  for (;;) {
    const result = await client.query<{ locked: boolean }>(
      `SELECT pg_try_advisory_lock(${MIGRATION_LOCK_KEY_SQL}) AS locked`,
    );
    if (result.rows[0]?.locked) return;
    await new Promise((resolve) => setTimeout(resolve, LOCK_RETRY_MS));
  }
}

export interface MigrationStatus {
  version: number;
  name: string;
  state: "applied" | "pending";
  appliedAt: number | null;
}

const byVersion = (a: { version: number }, b: { version: number }): number => a.version - b.version;

async function appliedVersions(client: PoolClient): Promise<Set<number>> {
  const result = await client.query<{ version: number }>("SELECT version FROM schema_migrations");
  return new Set(result.rows.map((row) => Number(row.version)));
}

async function apply(client: PoolClient, migration: PostgresMigration): Promise<void> {
  const record = {
    text: "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
    values: [migration.version, migration.name, Date.now()],
  };
  if (migration.transactional === false) {
    await client.query(migration.sql);
    await client.query(record);
    return;
  }
  // No ROLLBACK on failure: the caller destroys this connection, which aborts the transaction.
  await client.query("BEGIN");
  await client.query(migration.sql);
  await client.query(record);
  await client.query("COMMIT");
}

/**
 * Applies the migrations this release knows and the database lacks, and returns their versions.
 * Versions recorded by a newer release are left alone: during a rolling deploy an older replica may
 * restart against a database its successor already expanded.
 */
export async function runPostgresMigrations(
  pool: Pool,
  migrations: readonly PostgresMigration[] = postgresMigrations,
): Promise<number[]> {
  const client = await pool.connect();
  let succeeded = false;
  try {
    // A session lock on one connection: replicas starting together queue here, and each re-reads
    // what is applied only once it holds the lock.
    await acquireMigrationLock(client);
    await client.query(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
    );
    const applied = await appliedVersions(client);
    const newlyApplied: number[] = [];
    for (const migration of [...migrations].sort(byVersion)) {
      if (applied.has(migration.version)) continue;
      await apply(client, migration);
      newlyApplied.push(migration.version);
    }
    await client.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY_SQL})`);
    succeeded = true;
    return newlyApplied;
  } finally {
    // After a failure the connection is destroyed, not pooled: that ends any open transaction and
    // releases the session lock, so neither outlives a failed run.
    client.release(!succeeded);
  }
}

/** Applied and pending migrations in version order, for `aigateway migrate --status`. */
export async function listMigrationStatus(
  pool: Pool,
  migrations: readonly PostgresMigration[] = postgresMigrations,
): Promise<MigrationStatus[]> {
  const exists = await pool.query<{ present: boolean }>(
    "SELECT to_regclass('schema_migrations') IS NOT NULL AS present",
  );
  const appliedRows = exists.rows[0]?.present
    ? (
        await pool.query<{ version: number; name: string; applied_at: string | number }>(
          "SELECT version, name, applied_at FROM schema_migrations",
        )
      ).rows
    : [];
  const applied = new Map(appliedRows.map((row) => [Number(row.version), row]));
  const statuses: MigrationStatus[] = migrations.map((migration) => {
    const row = applied.get(migration.version);
    return {
      version: migration.version,
      name: migration.name,
      state: row ? "applied" : "pending",
      appliedAt: row ? Number(row.applied_at) : null,
    };
  });
  // Listed too, so an operator sees the database is ahead of this release.
  const known = new Set(migrations.map((migration) => migration.version));
  for (const [version, row] of applied) {
    if (!known.has(version)) {
      statuses.push({ version, name: row.name, state: "applied", appliedAt: Number(row.applied_at) });
    }
  }
  return statuses.sort(byVersion);
}
