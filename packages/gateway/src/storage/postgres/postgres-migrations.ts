// Forward-only migrations, the PostgreSQL twin of sqlite-migrations.ts. Replicas of the previous
// release keep running against a migrated database during a rolling deploy, so each migration only
// expands (new tables, nullable columns, indexes); removing anything waits for a later release that
// no longer reads it.
//
// Identifiers and key hashes use COLLATE "C" so ORDER BY on them compares bytes like SQLite does,
// whatever collation the database was created with.

export interface PostgresMigration {
  version: number;
  name: string;
  sql: string;
  /**
   * False for statements PostgreSQL refuses inside a transaction (CREATE INDEX CONCURRENTLY, which a
   * large live table needs so writers are not blocked). Such a migration must be safe to re-run
   * (IF NOT EXISTS), because a crash can land between its statement and its record.
   */
  transactional?: false;
}

export const postgresMigrations: readonly PostgresMigration[] = [
  {
    version: 1,
    name: "accounts, keys, usage log, events",
    sql: `
      CREATE TABLE accounts (
        id TEXT COLLATE "C" PRIMARY KEY,
        name TEXT NOT NULL,
        created_at BIGINT NOT NULL
      );
      CREATE TABLE api_keys (
        id TEXT COLLATE "C" PRIMARY KEY,
        account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts(id),
        name TEXT NOT NULL,
        prefix TEXT NOT NULL,
        key_hash TEXT COLLATE "C" NOT NULL UNIQUE,
        role TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        last_used_at BIGINT,
        revoked_at BIGINT,
        replaces_key_id TEXT COLLATE "C"
      );
      CREATE INDEX api_keys_account ON api_keys(account_id, created_at);
      CREATE TABLE usage_log (
        id BIGSERIAL PRIMARY KEY,
        request_id TEXT NOT NULL,
        account_id TEXT COLLATE "C",
        key_id TEXT COLLATE "C",
        tag TEXT,
        endpoint TEXT NOT NULL,
        model TEXT,
        provider TEXT,
        status INTEGER NOT NULL,
        error_type TEXT,
        stream BOOLEAN NOT NULL,
        latency_ms BIGINT NOT NULL,
        ttft_ms BIGINT,
        prompt_tokens BIGINT NOT NULL,
        completion_tokens BIGINT NOT NULL,
        cached_tokens BIGINT NOT NULL,
        cache_write_tokens BIGINT NOT NULL,
        reasoning_tokens BIGINT NOT NULL,
        cost_nanodollars BIGINT NOT NULL,
        created_at BIGINT NOT NULL
      );
      CREATE INDEX usage_log_account_time ON usage_log(account_id, created_at DESC, id DESC);
      CREATE TABLE events (
        id TEXT COLLATE "C" PRIMARY KEY,
        account_id TEXT COLLATE "C" NOT NULL,
        type TEXT NOT NULL,
        -- json, not jsonb: it keeps the document byte for byte (key order included), as SQLite does.
        data JSON NOT NULL,
        created_at BIGINT NOT NULL
      );
      CREATE INDEX events_account_time ON events(account_id, created_at DESC);
    `,
  },
];
