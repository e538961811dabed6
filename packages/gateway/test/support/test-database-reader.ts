import { DatabaseSync } from "node:sqlite";
import { Pool, TypeOverrides, types } from "pg";

/** Read-only SQL against the database a test's gateways write to, for checks behind the API. */
export interface TestDatabaseReader {
  query<T>(sql: string): Promise<T[]>;
  close(): Promise<void>;
}

/** Opens the SQLite file per query, so a gateway process writing to it is never blocked for long. */
export function readSqliteFile(path: string): TestDatabaseReader {
  return {
    async query<T>(sql: string): Promise<T[]> {
      const database = new DatabaseSync(path, { readOnly: true });
      try {
        return database.prepare(sql).all() as T[];
      } finally {
        database.close();
      }
    },
    close: async () => undefined,
  };
}

// COUNT is int8 and SUM of a BIGINT is numeric in PostgreSQL; as numbers, the same assertions hold on
// both backends (test sums stay far below 2^53).
const numericParsers = new TypeOverrides();
numericParsers.setTypeParser(types.builtins.INT8, Number);
numericParsers.setTypeParser(types.builtins.NUMERIC, Number);

/** Reads through the connection string of a test schema (see storage/postgres-test-schemas.ts). */
export function readPostgresSchema(connectionString: string): TestDatabaseReader {
  const pool = new Pool({ connectionString, max: 2, types: numericParsers });
  return {
    async query<T>(sql: string): Promise<T[]> {
      return (await pool.query(sql)).rows as T[];
    },
    close: () => pool.end(),
  };
}
