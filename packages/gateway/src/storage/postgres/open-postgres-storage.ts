import type { ApiKeyRecord, EventRecord, KeyRole, Storage, UsageRecord } from "../storage.ts";
import { createPostgresPool, type PostgresPoolOptions } from "./create-postgres-pool.ts";
import { runPostgresMigrations } from "./run-postgres-migrations.ts";

// Row shapes as the pool returns them: its int8 parser turns BIGINT into numbers.
interface AccountRow {
  id: string;
  name: string;
  created_at: number;
}

interface KeyRow {
  id: string;
  account_id: string;
  name: string;
  prefix: string;
  key_hash: string;
  role: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
  replaces_key_id: string | null;
}

interface UsageRow {
  request_id: string;
  account_id: string | null;
  key_id: string | null;
  tag: string | null;
  endpoint: string;
  model: string | null;
  provider: string | null;
  status: number;
  error_type: string | null;
  stream: boolean;
  latency_ms: number;
  ttft_ms: number | null;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  cost_nanodollars: number;
  created_at: number;
}

interface EventRow {
  id: string;
  account_id: string;
  type: string;
  data: unknown;
  created_at: number;
}

function toKey(row: KeyRow): ApiKeyRecord {
  return {
    id: row.id,
    accountId: row.account_id,
    name: row.name,
    prefix: row.prefix,
    keyHash: row.key_hash,
    role: row.role as KeyRole,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
    replacesKeyId: row.replaces_key_id,
  };
}

function toUsage(row: UsageRow): UsageRecord {
  return {
    requestId: row.request_id,
    accountId: row.account_id,
    keyId: row.key_id,
    tag: row.tag,
    endpoint: row.endpoint,
    model: row.model,
    provider: row.provider,
    status: row.status,
    errorType: row.error_type,
    stream: row.stream,
    latencyMs: row.latency_ms,
    timeToFirstTokenMs: row.ttft_ms,
    promptTokens: row.prompt_tokens,
    completionTokens: row.completion_tokens,
    cachedTokens: row.cached_tokens,
    cacheWriteTokens: row.cache_write_tokens,
    reasoningTokens: row.reasoning_tokens,
    costNanodollars: row.cost_nanodollars,
    createdAt: row.created_at,
  };
}

// A batch goes in as one array per column through unnest: one statement and one round trip whatever
// the batch size, all rows or none like SQLite's transaction, and 19 parameters, far from the
// protocol's 65,535 limit that a multi-row VALUES list reaches at about 3,400 rows.
const usageColumns: readonly (readonly [string, string, (record: UsageRecord) => unknown])[] = [
  ["request_id", "text", (record) => record.requestId],
  ["account_id", "text", (record) => record.accountId],
  ["key_id", "text", (record) => record.keyId],
  ["tag", "text", (record) => record.tag],
  ["endpoint", "text", (record) => record.endpoint],
  ["model", "text", (record) => record.model],
  ["provider", "text", (record) => record.provider],
  ["status", "integer", (record) => record.status],
  ["error_type", "text", (record) => record.errorType],
  ["stream", "boolean", (record) => record.stream],
  ["latency_ms", "bigint", (record) => record.latencyMs],
  ["ttft_ms", "bigint", (record) => record.timeToFirstTokenMs],
  ["prompt_tokens", "bigint", (record) => record.promptTokens],
  ["completion_tokens", "bigint", (record) => record.completionTokens],
  ["cached_tokens", "bigint", (record) => record.cachedTokens],
  ["cache_write_tokens", "bigint", (record) => record.cacheWriteTokens],
  ["reasoning_tokens", "bigint", (record) => record.reasoningTokens],
  ["cost_nanodollars", "bigint", (record) => record.costNanodollars],
  ["created_at", "bigint", (record) => record.createdAt],
];

const insertUsageSql = `INSERT INTO usage_log (${usageColumns.map(([column]) => column).join(", ")})
  SELECT * FROM unnest(${usageColumns.map(([, type], index) => `$${index + 1}::${type}[]`).join(", ")})`;

// Same effect as SQLite's per-use UPDATE loop in one statement. Uses are folded per key first, since
// UPDATE ... FROM applies only one of several matching rows. Rows are locked in id order because two
// replicas flushing overlapping keys in different orders would otherwise deadlock.
const recordKeyUseSql = `
  WITH uses AS (
    SELECT id, max(last_used_at) AS last_used_at
    FROM unnest($1::text[], $2::bigint[]) AS use(id, last_used_at)
    GROUP BY id
  ),
  locked AS MATERIALIZED (
    SELECT id FROM api_keys WHERE id IN (SELECT id FROM uses) ORDER BY id FOR UPDATE
  )
  UPDATE api_keys
  SET last_used_at = GREATEST(COALESCE(api_keys.last_used_at, 0), uses.last_used_at)
  FROM uses
  WHERE api_keys.id = uses.id AND api_keys.id IN (SELECT id FROM locked)`;

export type PostgresStorageOptions = PostgresPoolOptions;

/** Shared storage for N replicas. Migrates the database (under an advisory lock) before returning. */
export async function openPostgresStorage(
  connectionString: string,
  options: PostgresStorageOptions = {},
): Promise<Storage> {
  const pool = createPostgresPool(connectionString, options);
  try {
    await runPostgresMigrations(pool);
  } catch (error) {
    await pool.end();
    throw error;
  }
  let closed = false;

  return {
    kind: "postgres",
    accounts: {
      async insertAccount(account) {
        await pool.query("INSERT INTO accounts (id, name, created_at) VALUES ($1, $2, $3)", [
          account.id,
          account.name,
          account.createdAt,
        ]);
      },
      async findAccount(id) {
        const { rows } = await pool.query<AccountRow>("SELECT * FROM accounts WHERE id = $1", [id]);
        const row = rows[0];
        return row ? { id: row.id, name: row.name, createdAt: row.created_at } : undefined;
      },
      async countAccounts() {
        const { rows } = await pool.query<{ count: number }>("SELECT COUNT(*) AS count FROM accounts");
        return rows[0]?.count ?? 0;
      },
    },
    keys: {
      async insertKey(key) {
        await pool.query(
          `INSERT INTO api_keys (id, account_id, name, prefix, key_hash, role, created_at, last_used_at, revoked_at, replaces_key_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
          [
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
          ],
        );
      },
      async findKeyByHash(keyHash) {
        const { rows } = await pool.query<KeyRow>("SELECT * FROM api_keys WHERE key_hash = $1", [keyHash]);
        return rows[0] ? toKey(rows[0]) : undefined;
      },
      async findKey(accountId, id) {
        const { rows } = await pool.query<KeyRow>(
          "SELECT * FROM api_keys WHERE account_id = $1 AND id = $2",
          [accountId, id],
        );
        return rows[0] ? toKey(rows[0]) : undefined;
      },
      async listKeys(accountId) {
        const { rows } = await pool.query<KeyRow>(
          "SELECT * FROM api_keys WHERE account_id = $1 ORDER BY created_at, id",
          [accountId],
        );
        return rows.map(toKey);
      },
      async revokeKey(accountId, id, revokedAt) {
        const result = await pool.query(
          "UPDATE api_keys SET revoked_at = $1 WHERE account_id = $2 AND id = $3 AND revoked_at IS NULL",
          [revokedAt, accountId, id],
        );
        return (result.rowCount ?? 0) > 0;
      },
      async recordKeyUse(uses) {
        if (uses.length === 0) return;
        await pool.query(recordKeyUseSql, [uses.map((use) => use.id), uses.map((use) => use.lastUsedAt)]);
      },
    },
    usage: {
      async insertUsage(records) {
        if (records.length === 0) return;
        await pool.query(
          insertUsageSql,
          usageColumns.map(([, , read]) => records.map(read)),
        );
      },
      async listRecentUsage(accountId, limit) {
        const { rows } = await pool.query<UsageRow>(
          "SELECT * FROM usage_log WHERE account_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
          [accountId, limit],
        );
        return rows.map(toUsage);
      },
    },
    events: {
      async insertEvent(event: EventRecord) {
        await pool.query(
          "INSERT INTO events (id, account_id, type, data, created_at) VALUES ($1, $2, $3, $4, $5)",
          [event.id, event.accountId, event.type, JSON.stringify(event.data), event.createdAt],
        );
      },
      async listEvents(accountId, limit) {
        const { rows } = await pool.query<EventRow>(
          "SELECT * FROM events WHERE account_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
          [accountId, limit],
        );
        return rows.map((row) => ({
          id: row.id,
          accountId: row.account_id,
          type: row.type,
          data: row.data,
          createdAt: row.created_at,
        }));
      },
    },
    async ping() {
      try {
        await pool.query("SELECT 1");
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      // pool.end() throws when called twice; SQLite's close() is idempotent, so this one is too.
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
