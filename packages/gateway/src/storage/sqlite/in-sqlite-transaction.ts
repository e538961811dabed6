import type { DatabaseSync } from "node:sqlite";

/**
 * Runs synchronous work in one write transaction. IMMEDIATE takes the write lock up front, so a
 * second process on the same file waits at BEGIN rather than failing at its first write. Inside a
 * caller's open transaction the work simply joins it (the webhook outbox relies on this so its rows
 * commit or roll back with the caller's state change).
 */
export function inSqliteTransaction<T>(database: DatabaseSync, work: () => T): T {
  if (database.isTransaction) return work();
  database.exec("BEGIN IMMEDIATE");
  try {
    const value = work();
    database.exec("COMMIT");
    return value;
  } catch (error) {
    database.exec("ROLLBACK");
    throw error;
  }
}
