// Forward-only migrations. Each one only adds (tables, nullable columns, indexes) so the previous
// release keeps working against a migrated database during a rolling deploy.

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const sqliteMigrations: readonly Migration[] = [
  {
    version: 1,
    name: "accounts, keys, usage log, events",
    sql: `
      CREATE TABLE accounts (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE api_keys (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts(id),
        name TEXT NOT NULL,
        prefix TEXT NOT NULL,
        key_hash TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        last_used_at INTEGER,
        revoked_at INTEGER,
        replaces_key_id TEXT
      );
      CREATE INDEX api_keys_account ON api_keys(account_id, created_at);
      CREATE TABLE usage_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        request_id TEXT NOT NULL,
        account_id TEXT,
        key_id TEXT,
        tag TEXT,
        endpoint TEXT NOT NULL,
        model TEXT,
        provider TEXT,
        status INTEGER NOT NULL,
        error_type TEXT,
        stream INTEGER NOT NULL,
        latency_ms INTEGER NOT NULL,
        ttft_ms INTEGER,
        prompt_tokens INTEGER NOT NULL,
        completion_tokens INTEGER NOT NULL,
        cached_tokens INTEGER NOT NULL,
        cache_write_tokens INTEGER NOT NULL,
        reasoning_tokens INTEGER NOT NULL,
        cost_nanodollars INTEGER NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX usage_log_account_time ON usage_log(account_id, created_at DESC, id DESC);
      CREATE TABLE events (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        type TEXT NOT NULL,
        data TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX events_account_time ON events(account_id, created_at DESC);
    `,
  },
];
