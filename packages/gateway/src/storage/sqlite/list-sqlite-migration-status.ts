import { existsSync } from "node:fs";
import { DatabaseSync } from "node:sqlite";
import type { MigrationStatus } from "../postgres/run-postgres-migrations.ts";
import { sqliteMigrations } from "./sqlite-migrations.ts";

/** Applied and pending migrations of an embedded database, without applying anything. */
export function listSqliteMigrationStatus(path: string): MigrationStatus[] {
  const applied = new Map<number, number>();
  if (existsSync(path)) {
    const database = new DatabaseSync(path, { readOnly: true });
    try {
      const table = database
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
        .get();
      if (table) {
        for (const row of database.prepare("SELECT version, applied_at FROM schema_migrations").all()) {
          applied.set(Number(row.version), Number(row.applied_at));
        }
      }
    } finally {
      database.close();
    }
  }
  return sqliteMigrations.map((migration) => ({
    version: migration.version,
    name: migration.name,
    state: applied.has(migration.version) ? "applied" : "pending",
    appliedAt: applied.get(migration.version) ?? null,
  }));
}
