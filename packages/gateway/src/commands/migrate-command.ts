import { join } from "node:path";
import type { GatewayConfig } from "../config/load-config.ts";
import { createPostgresPool } from "../storage/postgres/create-postgres-pool.ts";
import {
  listMigrationStatus,
  runPostgresMigrations,
  type MigrationStatus,
} from "../storage/postgres/run-postgres-migrations.ts";
import { listSqliteMigrationStatus } from "../storage/sqlite/list-sqlite-migration-status.ts";
import { openSqliteStorage } from "../storage/sqlite/open-sqlite-storage.ts";

function formatStatus(statuses: readonly MigrationStatus[]): string {
  return statuses
    .map((status) => {
      const when = status.appliedAt === null ? "" : `  ${new Date(status.appliedAt).toISOString()}`;
      return `${String(status.version).padStart(4)}  ${status.state.padEnd(7)}  ${status.name}${when}`;
    })
    .join("\n");
}

/**
 * `aigateway migrate` applies pending migrations and exits (so a deploy can migrate before rolling
 * replicas); `aigateway migrate --status` only lists them. The server also migrates at start.
 */
export async function runMigrateCommand(config: GatewayConfig, args: readonly string[]): Promise<string> {
  const statusOnly = args.includes("--status");
  const sqlitePath = join(config.dataDir, "aigateway.db");
  if (!config.databaseUrl) {
    if (!statusOnly) await openSqliteStorage(sqlitePath).close();
    return `sqlite ${sqlitePath}\n${formatStatus(listSqliteMigrationStatus(sqlitePath))}`;
  }
  const pool = createPostgresPool(config.databaseUrl, { maxConnections: 2 });
  try {
    if (!statusOnly) await runPostgresMigrations(pool);
    return `postgres\n${formatStatus(await listMigrationStatus(pool))}`;
  } finally {
    await pool.end();
  }
}
