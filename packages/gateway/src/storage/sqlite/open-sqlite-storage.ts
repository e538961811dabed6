import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync, type SQLInputValue } from "node:sqlite";
import type { AccountRecord, ApiKeyRecord, EventRecord, KeyRole, Storage, UsageRecord } from "../storage.ts";
import { sqliteMigrations } from "./sqlite-migrations.ts";

type Row = Record<string, SQLInputValue>;

function runMigrations(database: DatabaseSync): void {
  database.exec(
    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)",
  );
  const applied = new Set(
    database
      .prepare("SELECT version FROM schema_migrations")
      .all()
      .map((row) => Number(row.version)),
  );
  for (const migration of sqliteMigrations) {
    if (applied.has(migration.version)) continue;
    database.exec("BEGIN IMMEDIATE");
    try {
      database.exec(migration.sql);
      database
        .prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)")
        .run(migration.version, migration.name, Date.now());
      database.exec("COMMIT");
    } catch (error) {
      database.exec("ROLLBACK");
      throw error;
    }
  }
}

const nullableNumber = (value: SQLInputValue | undefined): number | null =>
  value === null || value === undefined ? null : Number(value);
const nullableString = (value: SQLInputValue | undefined): string | null =>
  typeof value === "string" ? value : null;
const text = (value: SQLInputValue | undefined): string => (typeof value === "string" ? value : "");

function toKey(row: Row): ApiKeyRecord {
  return {
    id: text(row.id),
    accountId: text(row.account_id),
    name: text(row.name),
    prefix: text(row.prefix),
    keyHash: text(row.key_hash),
    role: row.role as KeyRole,
    createdAt: Number(row.created_at),
    lastUsedAt: nullableNumber(row.last_used_at),
    revokedAt: nullableNumber(row.revoked_at),
    replacesKeyId: nullableString(row.replaces_key_id),
  };
}

function toUsage(row: Row): UsageRecord {
  return {
    requestId: text(row.request_id),
    accountId: nullableString(row.account_id),
    keyId: nullableString(row.key_id),
    tag: nullableString(row.tag),
    endpoint: text(row.endpoint),
    model: nullableString(row.model),
    provider: nullableString(row.provider),
    status: Number(row.status),
    errorType: nullableString(row.error_type),
    stream: Number(row.stream) === 1,
    latencyMs: Number(row.latency_ms),
    timeToFirstTokenMs: nullableNumber(row.ttft_ms),
    promptTokens: Number(row.prompt_tokens),
    completionTokens: Number(row.completion_tokens),
    cachedTokens: Number(row.cached_tokens),
    cacheWriteTokens: Number(row.cache_write_tokens),
    reasoningTokens: Number(row.reasoning_tokens),
    costNanodollars: Number(row.cost_nanodollars),
    createdAt: Number(row.created_at),
  };
}

/** Embedded storage on `node:sqlite` (no native build). `path` may be ":memory:" for tests. */
export function openSqliteStorage(path: string): Storage {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const database = new DatabaseSync(path);
  database.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;");
  runMigrations(database);

  const statements = {
    insertAccount: database.prepare("INSERT INTO accounts (id, name, created_at) VALUES (?, ?, ?)"),
    findAccount: database.prepare("SELECT * FROM accounts WHERE id = ?"),
    countAccounts: database.prepare("SELECT COUNT(*) AS count FROM accounts"),
    insertKey: database.prepare(
      `INSERT INTO api_keys (id, account_id, name, prefix, key_hash, role, created_at, last_used_at, revoked_at, replaces_key_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    findKeyByHash: database.prepare("SELECT * FROM api_keys WHERE key_hash = ?"),
    findKey: database.prepare("SELECT * FROM api_keys WHERE account_id = ? AND id = ?"),
    listKeys: database.prepare("SELECT * FROM api_keys WHERE account_id = ? ORDER BY created_at, id"),
    revokeKey: database.prepare(
      "UPDATE api_keys SET revoked_at = ? WHERE account_id = ? AND id = ? AND revoked_at IS NULL",
    ),
    touchKey: database.prepare(
      "UPDATE api_keys SET last_used_at = MAX(COALESCE(last_used_at, 0), ?) WHERE id = ?",
    ),
    insertUsage: database.prepare(
      `INSERT INTO usage_log (request_id, account_id, key_id, tag, endpoint, model, provider, status, error_type, stream,
         latency_ms, ttft_ms, prompt_tokens, completion_tokens, cached_tokens, cache_write_tokens, reasoning_tokens,
         cost_nanodollars, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    recentUsage: database.prepare(
      "SELECT * FROM usage_log WHERE account_id = ? ORDER BY created_at DESC, id DESC LIMIT ?",
    ),
    insertEvent: database.prepare(
      "INSERT INTO events (id, account_id, type, data, created_at) VALUES (?, ?, ?, ?, ?)",
    ),
    listEvents: database.prepare(
      "SELECT * FROM events WHERE account_id = ? ORDER BY created_at DESC, id DESC LIMIT ?",
    ),
  };

  function inTransaction(work: () => void): void {
    database.exec("BEGIN");
    try {
      work();
      database.exec("COMMIT");
    } catch (error) {
      database.exec("ROLLBACK");
      throw error;
    }
  }

  return {
    kind: "sqlite",
    accounts: {
      async insertAccount(account: AccountRecord) {
        statements.insertAccount.run(account.id, account.name, account.createdAt);
      },
      async findAccount(id: string) {
        const row = statements.findAccount.get(id);
        return row
          ? {
              id: text(row.id),
              name: text(row.name),
              createdAt: Number(row.created_at),
            }
          : undefined;
      },
      async countAccounts() {
        return Number(statements.countAccounts.get()?.count ?? 0);
      },
    },
    keys: {
      async insertKey(key: ApiKeyRecord) {
        statements.insertKey.run(
          key.id,
          key.accountId,
          key.name,
          key.prefix,
          key.keyHash,
          key.role,
          key.createdAt,
          key.lastUsedAt,
          key.revokedAt,
          key.replacesKeyId,
        );
      },
      async findKeyByHash(keyHash: string) {
        const row = statements.findKeyByHash.get(keyHash);
        return row ? toKey(row) : undefined;
      },
      async findKey(accountId: string, id: string) {
        const row = statements.findKey.get(accountId, id);
        return row ? toKey(row) : undefined;
      },
      async listKeys(accountId: string) {
        return statements.listKeys.all(accountId).map(toKey);
      },
      async revokeKey(accountId: string, id: string, revokedAt: number) {
        return Number(statements.revokeKey.run(revokedAt, accountId, id).changes) > 0;
      },
      async recordKeyUse(uses) {
        inTransaction(() => {
          for (const use of uses) statements.touchKey.run(use.lastUsedAt, use.id);
        });
      },
    },
    usage: {
      async insertUsage(records: readonly UsageRecord[]) {
        inTransaction(() => {
          for (const record of records) {
            statements.insertUsage.run(
              record.requestId,
              record.accountId,
              record.keyId,
              record.tag,
              record.endpoint,
              record.model,
              record.provider,
              record.status,
              record.errorType,
              record.stream ? 1 : 0,
              record.latencyMs,
              record.timeToFirstTokenMs,
              record.promptTokens,
              record.completionTokens,
              record.cachedTokens,
              record.cacheWriteTokens,
              record.reasoningTokens,
              record.costNanodollars,
              record.createdAt,
            );
          }
        });
      },
      async listRecentUsage(accountId: string, limit: number) {
        return statements.recentUsage.all(accountId, limit).map(toUsage);
      },
    },
    events: {
      async insertEvent(event: EventRecord) {
        statements.insertEvent.run(
          event.id,
          event.accountId,
          event.type,
          JSON.stringify(event.data),
          event.createdAt,
        );
      },
      async listEvents(accountId: string, limit: number) {
        return statements.listEvents.all(accountId, limit).map((row) => ({
          id: text(row.id),
          accountId: text(row.account_id),
          type: text(row.type),
          data: JSON.parse(text(row.data)) as unknown,
          createdAt: Number(row.created_at),
        }));
      },
    },
    async ping() {
      try {
        database.prepare("SELECT 1").get();
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      if (database.isOpen) database.close();
    },
  };
}
