import { openPostgresStorage } from "./postgres/open-postgres-storage.ts";
import { openSqliteStorage } from "./sqlite/open-sqlite-storage.ts";
import type { Storage } from "./storage.ts";

export interface OpenStorageOptions {
  /** `DATABASE_URL`; an empty string counts as unset, as `DATABASE_URL=` in an env file means. */
  databaseUrl: string | undefined;
  sqlitePath: string;
  maxConnections?: number;
}

/** PostgreSQL when a database URL is configured (shared by replicas), else embedded SQLite. */
export async function openStorage(options: OpenStorageOptions): Promise<Storage> {
  if (options.databaseUrl) {
    return openPostgresStorage(
      options.databaseUrl,
      options.maxConnections === undefined ? {} : { maxConnections: options.maxConnections },
    );
  }
  return openSqliteStorage(options.sqlitePath);
}
