import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync, type SQLInputValue } from "node:sqlite";
import { createSqliteFileStore } from "./sqlite-file-store.ts";
import { createSqliteWebhookStore } from "./sqlite-webhook-store.ts";
import { createSqliteJobStore } from "./sqlite-job-store.ts";
import { createSqliteBatchStore } from "./sqlite-batch-store.ts";
import type {
  AccountChanges,
  AccountRecord,
  AccountTier,
  ApiKeyRecord,
  BudgetRecord,
  EventRecord,
  KeyRole,
  NewAccount,
  Storage,
  UsageRecord,
  UsageRollup,
} from "../storage.ts";
import { sqliteMigrations } from "./sqlite-migrations.ts";
import { createSqliteUsageWriter } from "./write-sqlite-usage.ts";

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
  for (const migration of [...sqliteMigrations].sort((a, b) => a.version - b.version)) {
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

function toAccount(row: Row): AccountRecord {
  const allowedModels = nullableString(row.allowed_models);
  return {
    id: text(row.id),
    name: text(row.name),
    createdAt: Number(row.created_at),
    parentId: nullableString(row.parent_id),
    tier: text(row.tier) as AccountTier,
    externalRef: nullableString(row.external_ref),
    spendCapNanodollars: nullableNumber(row.spend_cap_nanodollars),
    creditNanodollars: nullableNumber(row.credit_nanodollars),
    rateLimitRpm: nullableNumber(row.rate_limit_rpm),
    defaultTag: nullableString(row.default_tag),
    allowedModels: allowedModels === null ? null : (JSON.parse(allowedModels) as string[]),
    deletedAt: nullableNumber(row.deleted_at),
    updatedAt: nullableNumber(row.updated_at) ?? Number(row.created_at),
  };
}

function toBudget(row: Row): BudgetRecord {
  return {
    accountId: text(row.account_id),
    tag: text(row.tag),
    monthlyCapNanodollars: Number(row.monthly_cap_nanodollars),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function toRollup(row: Row): UsageRollup {
  return {
    granularity: text(row.granularity) as UsageRollup["granularity"],
    period: text(row.period),
    billingAccountId: text(row.billing_account_id),
    accountId: text(row.account_id),
    tag: text(row.tag),
    model: text(row.model),
    requests: Number(row.requests),
    errors: Number(row.errors),
    costNanodollars: Number(row.cost_nanodollars),
    promptTokens: Number(row.prompt_tokens),
    completionTokens: Number(row.completion_tokens),
  };
}

// Column name → how a change is stored; the order of AccountChanges keys does not matter.
const accountChangeColumns: Record<keyof AccountChanges, (value: unknown) => SQLInputValue> = {
  name: (value) => value as string,
  tier: (value) => value as string,
  externalRef: (value) => value as string | null,
  spendCapNanodollars: (value) => value as number | null,
  rateLimitRpm: (value) => value as number | null,
  defaultTag: (value) => value as string | null,
  allowedModels: (value) => (value === null ? null : JSON.stringify(value)),
  deletedAt: (value) => value as number | null,
};
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
    billingAccountId: nullableString(row.billing_account_id),
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
    attempts: Number(row.attempts),
    attemptLog: nullableString(row.attempt_log),
    cacheHit: Number(row.cache_hit) === 1,
  };
}

/** Embedded storage on `node:sqlite` (no native build). `path` may be ":memory:" for tests. */
export function openSqliteStorage(path: string): Storage {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const database = new DatabaseSync(path);
  database.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;");
  runMigrations(database);

  const statements = {
    insertAccount: database.prepare(
      `INSERT INTO accounts (id, name, created_at, parent_id, tier, external_ref, spend_cap_nanodollars,
         credit_nanodollars, rate_limit_rpm, default_tag, allowed_models, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    listTopAccounts: database.prepare(
      "SELECT * FROM accounts WHERE parent_id IS NULL AND deleted_at IS NULL ORDER BY created_at, id",
    ),
    listChildAccounts: database.prepare(
      "SELECT * FROM accounts WHERE parent_id = ? AND deleted_at IS NULL ORDER BY created_at, id",
    ),
    addCredit: database.prepare(
      "UPDATE accounts SET credit_nanodollars = COALESCE(credit_nanodollars, 0) + ?, updated_at = ? WHERE id = ?",
    ),
    upsertBudget: database.prepare(
      `INSERT INTO budgets (account_id, tag, monthly_cap_nanodollars, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (account_id, tag) DO UPDATE SET monthly_cap_nanodollars = excluded.monthly_cap_nanodollars,
         updated_at = excluded.updated_at`,
    ),
    listBudgets: database.prepare("SELECT * FROM budgets WHERE account_id = ? ORDER BY tag"),
    findBudget: database.prepare("SELECT * FROM budgets WHERE account_id = ? AND tag = ?"),
    deleteBudget: database.prepare("DELETE FROM budgets WHERE account_id = ? AND tag = ?"),
    deleteUsageBefore: database.prepare("DELETE FROM usage_log WHERE created_at < ?"),
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
    recentUsage: database.prepare(
      "SELECT * FROM usage_log WHERE account_id = ? ORDER BY created_at DESC, id DESC LIMIT ?",
    ),
    listEvents: database.prepare(
      "SELECT * FROM events WHERE account_id = ? ORDER BY created_at DESC, id DESC LIMIT ?",
    ),
  };

  const writeUsage = createSqliteUsageWriter(database);

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

  const webhooks = createSqliteWebhookStore(database);
  return {
    kind: "sqlite",
    accounts: {
      async insertAccount(account: NewAccount) {
        statements.insertAccount.run(
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
        );
      },
      async findAccount(id: string) {
        const row = statements.findAccount.get(id);
        return row ? toAccount(row) : undefined;
      },
      async listAccounts(parentId: string | null) {
        const rows =
          parentId === null ? statements.listTopAccounts.all() : statements.listChildAccounts.all(parentId);
        return rows.map(toAccount);
      },
      async updateAccount(id: string, changes: AccountChanges, updatedAt: number) {
        const entries = Object.entries(changes) as [keyof AccountChanges, unknown][];
        const assignments = entries.map(([name]) => `${accountColumnNames[name]} = ?`);
        const values = entries.map(([name, value]) => accountChangeColumns[name](value));
        database
          .prepare(`UPDATE accounts SET ${[...assignments, "updated_at = ?"].join(", ")} WHERE id = ?`)
          .run(...values, updatedAt, id);
        const row = statements.findAccount.get(id);
        return row ? toAccount(row) : undefined;
      },
      async addCredit(id: string, nanodollars: number, updatedAt: number) {
        statements.addCredit.run(nanodollars, updatedAt, id);
        const row = statements.findAccount.get(id);
        return row ? toAccount(row) : undefined;
      },
      async countAccounts() {
        return Number(statements.countAccounts.get()?.count ?? 0);
      },
    },
    budgets: {
      async upsertBudget(budget: BudgetRecord) {
        statements.upsertBudget.run(
          budget.accountId,
          budget.tag,
          budget.monthlyCapNanodollars,
          budget.createdAt,
          budget.updatedAt,
        );
        return toBudget(statements.findBudget.get(budget.accountId, budget.tag) ?? {});
      },
      async listBudgets(accountId: string) {
        return statements.listBudgets.all(accountId).map(toBudget);
      },
      async findBudget(accountId: string, tag: string) {
        const row = statements.findBudget.get(accountId, tag);
        return row ? toBudget(row) : undefined;
      },
      async deleteBudget(accountId: string, tag: string) {
        return Number(statements.deleteBudget.run(accountId, tag).changes) > 0;
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
        inTransaction(() => writeUsage(records));
      },
      async listUsageRollups(query) {
        const conditions = ["granularity = ?"];
        const values: SQLInputValue[] = [query.granularity];
        if (query.billingAccountId !== undefined) {
          conditions.push("billing_account_id = ?");
          values.push(query.billingAccountId);
        }
        if (query.accountId !== undefined) {
          conditions.push("account_id = ?");
          values.push(query.accountId);
        }
        if (query.fromPeriod !== undefined) {
          conditions.push("period >= ?");
          values.push(query.fromPeriod);
        }
        if (query.toPeriod !== undefined) {
          conditions.push("period <= ?");
          values.push(query.toPeriod);
        }
        return database
          .prepare(
            `SELECT * FROM usage_rollups WHERE ${conditions.join(" AND ")} ORDER BY period, account_id, tag, model`,
          )
          .all(...values)
          .map(toRollup);
      },
      async deleteUsageBefore(createdAt: number) {
        return Number(statements.deleteUsageBefore.run(createdAt).changes);
      },
      async listRecentUsage(accountId: string, limit: number) {
        return statements.recentUsage.all(accountId, limit).map(toUsage);
      },
    },
    events: {
      async insertEvent(event: EventRecord) {
        // The events table is the webhook outbox: subscribed endpoints get their deliveries atomically.
        await webhooks.recordEvent(event);
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
    files: createSqliteFileStore(database),
    webhooks,
    jobs: createSqliteJobStore(database),
    batches: createSqliteBatchStore(database),
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
