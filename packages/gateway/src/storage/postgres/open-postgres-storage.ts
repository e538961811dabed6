import type {
  AccountChanges,
  AccountRecord,
  AccountTier,
  ApiKeyRecord,
  BudgetRecord,
  EventRecord,
  KeyRole,
  Storage,
  UsageRecord,
  UsageRollup,
} from "../storage.ts";
import { createPostgresFileStore } from "./postgres-file-store.ts";
import { createPostgresWebhookStore } from "./postgres-webhook-store.ts";
import { createPostgresJobStore } from "./postgres-job-store.ts";
import { createPostgresBatchStore } from "./postgres-batch-store.ts";
import { createPostgresPool, type PostgresPoolOptions } from "./create-postgres-pool.ts";
import { runPostgresMigrations } from "./run-postgres-migrations.ts";
import { writePostgresUsage } from "./write-postgres-usage.ts";

// Row shapes as the pool returns them: its int8 parser turns BIGINT into numbers.
interface AccountRow {
  id: string;
  name: string;
  created_at: number;
  parent_id: string | null;
  tier: string;
  external_ref: string | null;
  spend_cap_nanodollars: number | null;
  credit_nanodollars: number | null;
  rate_limit_rpm: number | null;
  default_tag: string | null;
  allowed_models: string[] | null;
  deleted_at: number | null;
  updated_at: number | null;
}

interface BudgetRow {
  account_id: string;
  tag: string;
  monthly_cap_nanodollars: number;
  created_at: number;
  updated_at: number;
}

interface RollupRow {
  billing_account_id: string;
  granularity: string;
  period: string;
  account_id: string;
  tag: string;
  model: string;
  requests: number;
  errors: number;
  cost_nanodollars: number;
  prompt_tokens: number;
  completion_tokens: number;
}

function toAccount(row: AccountRow): AccountRecord {
  return {
    id: row.id,
    name: row.name,
    createdAt: row.created_at,
    parentId: row.parent_id,
    tier: row.tier as AccountTier,
    externalRef: row.external_ref,
    spendCapNanodollars: row.spend_cap_nanodollars,
    creditNanodollars: row.credit_nanodollars,
    rateLimitRpm: row.rate_limit_rpm,
    defaultTag: row.default_tag,
    allowedModels: row.allowed_models,
    deletedAt: row.deleted_at,
    updatedAt: row.updated_at ?? row.created_at,
  };
}

function toBudget(row: BudgetRow): BudgetRecord {
  return {
    accountId: row.account_id,
    tag: row.tag,
    monthlyCapNanodollars: row.monthly_cap_nanodollars,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toRollup(row: RollupRow): UsageRollup {
  return {
    granularity: row.granularity as UsageRollup["granularity"],
    period: row.period,
    billingAccountId: row.billing_account_id,
    accountId: row.account_id,
    tag: row.tag,
    model: row.model,
    requests: row.requests,
    errors: row.errors,
    costNanodollars: row.cost_nanodollars,
    promptTokens: row.prompt_tokens,
    completionTokens: row.completion_tokens,
  };
}

const accountColumnNames: Record<keyof AccountChanges, string> = {
  name: "name",
  tier: "tier",
  externalRef: "external_ref",
  spendCapNanodollars: "spend_cap_nanodollars",
  rateLimitRpm: "rate_limit_rpm",
  defaultTag: "default_tag",
  allowedModels: "allowed_models",
  deletedAt: "deleted_at",
};

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
  billing_account_id: string | null;
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
  attempts: number;
  attempt_log: string | null;
  cache_hit: boolean;
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
    billingAccountId: row.billing_account_id,
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
    attempts: row.attempts,
    attemptLog: row.attempt_log,
    cacheHit: row.cache_hit,
  };
}

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

  const webhooks = createPostgresWebhookStore(pool);
  return {
    kind: "postgres",
    accounts: {
      async insertAccount(account) {
        await pool.query(
          `INSERT INTO accounts (id, name, created_at, parent_id, tier, external_ref, spend_cap_nanodollars,
             credit_nanodollars, rate_limit_rpm, default_tag, allowed_models, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
          [
            account.id,
            account.name,
            account.createdAt,
            account.parentId ?? null,
            account.tier ?? "pro",
            account.externalRef ?? null,
            account.spendCapNanodollars ?? null,
            account.creditNanodollars ?? null,
            account.rateLimitRpm ?? null,
            account.defaultTag ?? null,
            account.allowedModels ? JSON.stringify(account.allowedModels) : null,
            account.updatedAt ?? account.createdAt,
          ],
        );
      },
      async findAccount(id) {
        const { rows } = await pool.query<AccountRow>("SELECT * FROM accounts WHERE id = $1", [id]);
        return rows[0] ? toAccount(rows[0]) : undefined;
      },
      async listAccounts(parentId) {
        const { rows } =
          parentId === null
            ? await pool.query<AccountRow>(
                "SELECT * FROM accounts WHERE parent_id IS NULL AND deleted_at IS NULL ORDER BY created_at, id",
              )
            : await pool.query<AccountRow>(
                "SELECT * FROM accounts WHERE parent_id = $1 AND deleted_at IS NULL ORDER BY created_at, id",
                [parentId],
              );
        return rows.map(toAccount);
      },
      async updateAccount(id, changes, updatedAt) {
        const entries = Object.entries(changes) as [keyof AccountChanges, unknown][];
        const assignments = entries.map(([name], index) => `${accountColumnNames[name]} = $${index + 1}`);
        const values = entries.map(([name, value]) =>
          name === "allowedModels" && value !== null ? JSON.stringify(value) : value,
        );
        const { rows } = await pool.query<AccountRow>(
          `UPDATE accounts SET ${[...assignments, `updated_at = $${entries.length + 1}`].join(", ")}
           WHERE id = $${entries.length + 2} RETURNING *`,
          [...values, updatedAt, id],
        );
        return rows[0] ? toAccount(rows[0]) : undefined;
      },
      async addCredit(id, nanodollars, updatedAt) {
        const { rows } = await pool.query<AccountRow>(
          `UPDATE accounts SET credit_nanodollars = COALESCE(credit_nanodollars, 0) + $1, updated_at = $2
           WHERE id = $3 RETURNING *`,
          [nanodollars, updatedAt, id],
        );
        return rows[0] ? toAccount(rows[0]) : undefined;
      },
      async countAccounts() {
        const { rows } = await pool.query<{ count: number }>("SELECT COUNT(*) AS count FROM accounts");
        return rows[0]?.count ?? 0;
      },
    },
    budgets: {
      async upsertBudget(budget) {
        const { rows } = await pool.query<BudgetRow>(
          `INSERT INTO budgets (account_id, tag, monthly_cap_nanodollars, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (account_id, tag) DO UPDATE SET monthly_cap_nanodollars = excluded.monthly_cap_nanodollars,
             updated_at = excluded.updated_at
           RETURNING *`,
          [budget.accountId, budget.tag, budget.monthlyCapNanodollars, budget.createdAt, budget.updatedAt],
        );
        return toBudget(rows[0] as BudgetRow);
      },
      async listBudgets(accountId) {
        const { rows } = await pool.query<BudgetRow>(
          "SELECT * FROM budgets WHERE account_id = $1 ORDER BY tag",
          [accountId],
        );
        return rows.map(toBudget);
      },
      async findBudget(accountId, tag) {
        const { rows } = await pool.query<BudgetRow>(
          "SELECT * FROM budgets WHERE account_id = $1 AND tag = $2",
          [accountId, tag],
        );
        return rows[0] ? toBudget(rows[0]) : undefined;
      },
      async deleteBudget(accountId, tag) {
        const result = await pool.query("DELETE FROM budgets WHERE account_id = $1 AND tag = $2", [
          accountId,
          tag,
        ]);
        return (result.rowCount ?? 0) > 0;
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
        await writePostgresUsage(pool, records);
      },
      async listUsageRollups(query) {
        const conditions = ["granularity = $1"];
        const values: unknown[] = [query.granularity];
        const add = (condition: string, value: string) => {
          values.push(value);
          conditions.push(`${condition} $${values.length}`);
        };
        if (query.billingAccountId !== undefined) add("billing_account_id =", query.billingAccountId);
        if (query.accountId !== undefined) add("account_id =", query.accountId);
        if (query.fromPeriod !== undefined) add("period >=", query.fromPeriod);
        if (query.toPeriod !== undefined) add("period <=", query.toPeriod);
        const { rows } = await pool.query<RollupRow>(
          `SELECT * FROM usage_rollups WHERE ${conditions.join(" AND ")} ORDER BY period, account_id, tag, model`,
          values,
        );
        return rows.map(toRollup);
      },
      async deleteUsageBefore(createdAt) {
        const result = await pool.query("DELETE FROM usage_log WHERE created_at < $1", [createdAt]);
        return result.rowCount ?? 0;
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
        // The events table is the webhook outbox: subscribed endpoints get their deliveries atomically.
        await webhooks.recordEvent(event);
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
    files: createPostgresFileStore(pool),
    webhooks,
    jobs: createPostgresJobStore(pool),
    batches: createPostgresBatchStore(pool),
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
