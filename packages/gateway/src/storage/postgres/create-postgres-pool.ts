import { Pool, TypeOverrides, types } from "pg";

export interface PostgresPoolOptions {
  maxConnections?: number;
}

// BIGINT columns hold ms timestamps and nanodollars, which the contracts carry as numbers. pg returns
// int8 as a string by default; converting silently past 2^53 would corrupt money, so refuse instead
// (node:sqlite does the same for the embedded backend).
function parseInt8(value: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed)) {
    throw new RangeError(`BIGINT ${value} is outside the safe integer range of a JavaScript number`);
  }
  return parsed;
}

// Per pool rather than pg.types.setTypeParser, so other pg users in the process keep the defaults.
const typeParsers = new TypeOverrides();
typeParsers.setTypeParser(types.builtins.INT8, parseInt8);

/** The one way the gateway builds a pool, so storage and `aigateway migrate` parse rows alike. */
export function createPostgresPool(connectionString: string, options: PostgresPoolOptions = {}): Pool {
  const pool = new Pool({
    connectionString,
    max: options.maxConnections ?? 10,
    // Without a bound, a checkout while PostgreSQL is unreachable waits forever and the readiness
    // probe hangs instead of answering false.
    connectionTimeoutMillis: 10_000,
    types: typeParsers,
  });
  // An idle client whose server went away emits "error" on the pool; unhandled, that would crash
  // the process. The pool has already discarded the client and the next query reconnects, while
  // ping() reports the outage.
  pool.on("error", () => {});
  return pool;
}
