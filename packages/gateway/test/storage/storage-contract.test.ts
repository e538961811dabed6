// The behaviours every storage backend must share, defined once and run over each backend: SQLite
// always, PostgreSQL when DATABASE_URL is set.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { after, describe, test } from "node:test";
import { createPostgresPool } from "../../src/storage/postgres/create-postgres-pool.ts";
import { openPostgresStorage } from "../../src/storage/postgres/open-postgres-storage.ts";
import { listMigrationStatus } from "../../src/storage/postgres/run-postgres-migrations.ts";
import { openSqliteStorage } from "../../src/storage/sqlite/open-sqlite-storage.ts";
import type {
  AccountRecord,
  ApiKeyRecord,
  EventRecord,
  Storage,
  UsageRecord,
} from "../../src/storage/storage.ts";
import { PostgresTestSchemas } from "./postgres-test-schemas.ts";

interface AppliedMigration {
  version: number;
  appliedAt: number;
}

/** An empty database that can be opened more than once. */
interface TestDatabase {
  open(): Promise<Storage>;
  appliedMigrations(): Promise<AppliedMigration[]>;
}

interface Backend {
  /** A storage on a new, empty database. */
  openEmpty(): Promise<Storage>;
  createDatabase(): Promise<TestDatabase>;
  dispose(): Promise<void>;
}

function sqliteBackend(): Backend {
  const directories: string[] = [];
  return {
    async openEmpty() {
      return openSqliteStorage(":memory:");
    },
    async createDatabase() {
      // A file, because every open of ":memory:" is a different database.
      const directory = await mkdtemp(join(tmpdir(), "aig-storage-"));
      directories.push(directory);
      const path = join(directory, "gateway.db");
      return {
        async open() {
          return openSqliteStorage(path);
        },
        async appliedMigrations() {
          const database = new DatabaseSync(path, { readOnly: true });
          try {
            return database
              .prepare("SELECT version, applied_at FROM schema_migrations ORDER BY version")
              .all()
              .map((row) => ({ version: Number(row.version), appliedAt: Number(row.applied_at) }));
          } finally {
            database.close();
          }
        },
      };
    },
    async dispose() {
      await Promise.all(directories.map((directory) => rm(directory, { recursive: true, force: true })));
    },
  };
}

function postgresBackend(databaseUrl: string): Backend {
  const schemas = new PostgresTestSchemas(databaseUrl);
  return {
    async openEmpty() {
      return openPostgresStorage(await schemas.create(), { maxConnections: 4 });
    },
    async createDatabase() {
      const connectionString = await schemas.create();
      return {
        async open() {
          return openPostgresStorage(connectionString, { maxConnections: 2 });
        },
        async appliedMigrations() {
          const pool = createPostgresPool(connectionString, { maxConnections: 1 });
          try {
            return (await listMigrationStatus(pool)).flatMap((status) =>
              status.appliedAt === null ? [] : [{ version: status.version, appliedAt: status.appliedAt }],
            );
          } finally {
            await pool.end();
          }
        },
      };
    },
    async dispose() {
      await schemas.dropAll();
    },
  };
}

function account(
  id: string,
  createdAt = 1_700_000_000_000,
  overrides: Partial<AccountRecord> = {},
): AccountRecord {
  return {
    id,
    name: `Account ${id}`,
    createdAt,
    parentId: null,
    tier: "pro",
    externalRef: null,
    spendCapNanodollars: null,
    creditNanodollars: null,
    rateLimitRpm: null,
    defaultTag: null,
    allowedModels: null,
    deletedAt: null,
    updatedAt: createdAt,
    ...overrides,
  };
}

function apiKey(accountId: string, id: string, overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  return {
    id,
    accountId,
    name: `key ${id}`,
    prefix: `aig_${id.slice(0, 4)}`,
    keyHash: `hash-${accountId}-${id}`,
    role: "member",
    createdAt: 1_700_000_000_000,
    lastUsedAt: null,
    revokedAt: null,
    replacesKeyId: null,
    ...overrides,
  };
}

const awkwardTags = [
  null,
  "NULL",
  "",
  'quote " comma , braces {} backslash \\ end',
  "ünïcødé 🙂",
  "team:search",
] as const;

/** Row `index` of a batch: every field varies so a swapped or truncated column shows. */
function usageRow(accountId: string | null, index: number, createdAt: number): UsageRecord {
  const specialCosts: Record<number, number> = { 7: 9_007_199_254, 8: Number.MAX_SAFE_INTEGER };
  return {
    requestId: `req_${index}`,
    accountId,
    billingAccountId: accountId,
    keyId: index % 4 === 0 ? null : `key_${index % 3}`,
    tag: awkwardTags[index % awkwardTags.length] ?? null,
    endpoint: index % 2 === 0 ? "/v1/chat/completions" : "/v1/embeddings",
    model: index % 9 === 0 ? null : `model-${index % 5}`,
    provider: index % 9 === 0 ? null : "openai",
    status: index % 10 === 0 ? 429 : 200,
    errorType: index % 10 === 0 ? "rate_limit_error" : null,
    stream: index % 2 === 0,
    latencyMs: 100 + index,
    timeToFirstTokenMs: index % 5 === 0 ? null : 20 + index,
    promptTokens: index * 3,
    completionTokens: index * 2,
    cachedTokens: index % 7,
    cacheWriteTokens: index % 11,
    reasoningTokens: index % 13,
    costNanodollars: specialCosts[index] ?? index * 1_000,
    createdAt,
    attempts: index % 4,
    attemptLog: index % 4 < 2 ? null : `[{"model":"model-${index % 5}","status":502}]`,
    cacheHit: index % 4 === 0,
  };
}

function storageContract(name: string, createBackend: () => Backend): void {
  describe(`storage contract: ${name}`, () => {
    const backend = createBackend();
    after(() => backend.dispose());

    async function withStorage(work: (storage: Storage) => Promise<void>): Promise<void> {
      const storage = await backend.openEmpty();
      try {
        await work(storage);
      } finally {
        await storage.close();
      }
    }

    test("accounts: insert, find, count", () =>
      withStorage(async (storage) => {
        assert.equal(await storage.accounts.countAccounts(), 0);
        await storage.accounts.insertAccount(account("acct_1", 1_700_000_000_001));
        await storage.accounts.insertAccount(account("acct_2"));
        assert.deepEqual(await storage.accounts.findAccount("acct_1"), account("acct_1", 1_700_000_000_001));
        assert.equal(await storage.accounts.findAccount("acct_missing"), undefined);
        assert.equal(await storage.accounts.countAccounts(), 2);
        await assert.rejects(storage.accounts.insertAccount(account("acct_1")));
        assert.equal(await storage.accounts.countAccounts(), 2);
      }));

    test("accounts: sub-accounts, updates, credit top-ups and soft deletion", () =>
      withStorage(async (storage) => {
        const parent = account("acct_parent", 1_700_000_000_000, {
          tier: "business",
          spendCapNanodollars: 50 * 1e9,
          allowedModels: ["openai/gpt-4o-mini", "ünïcødé/model"],
        });
        await storage.accounts.insertAccount(parent);
        const child = account("sa_child", 1_700_000_000_001, {
          parentId: "acct_parent",
          externalRef: "customer_123",
          rateLimitRpm: 60,
          defaultTag: "tenant:abc",
          spendCapNanodollars: 5 * 1e9,
        });
        await storage.accounts.insertAccount(child);
        await storage.accounts.insertAccount(
          account("sa_other", 1_700_000_000_002, { parentId: "acct_parent" }),
        );
        assert.deepEqual(await storage.accounts.findAccount("acct_parent"), parent);
        assert.deepEqual(await storage.accounts.findAccount("sa_child"), child);
        assert.deepEqual(
          (await storage.accounts.listAccounts("acct_parent")).map((record) => record.id),
          ["sa_child", "sa_other"],
        );
        assert.deepEqual(
          (await storage.accounts.listAccounts(null)).map((record) => record.id),
          ["acct_parent"],
        );

        const updated = await storage.accounts.updateAccount(
          "sa_child",
          { spendCapNanodollars: null, allowedModels: ["a/b"], rateLimitRpm: 30, name: "renamed" },
          1_700_000_000_500,
        );
        assert.deepEqual(updated, {
          ...child,
          spendCapNanodollars: null,
          allowedModels: ["a/b"],
          rateLimitRpm: 30,
          name: "renamed",
          updatedAt: 1_700_000_000_500,
        });
        assert.equal(await storage.accounts.updateAccount("acct_missing", { name: "x" }, 1), undefined);

        await storage.accounts.addCredit("acct_parent", 2_500_000_000, 1_700_000_000_600);
        const topped = await storage.accounts.addCredit("acct_parent", 1, 1_700_000_000_700);
        assert.equal(topped?.creditNanodollars, 2_500_000_001);
        assert.equal(topped?.updatedAt, 1_700_000_000_700);

        await storage.accounts.updateAccount("sa_other", { deletedAt: 1_700_000_000_800 }, 1_700_000_000_800);
        assert.equal((await storage.accounts.findAccount("sa_other"))?.deletedAt, 1_700_000_000_800);
        assert.deepEqual(
          (await storage.accounts.listAccounts("acct_parent")).map((record) => record.id),
          ["sa_child"],
        );
      }));

    test("budgets: upsert keeps created_at, list by tag, delete once", () =>
      withStorage(async (storage) => {
        await storage.accounts.insertAccount(account("acct_b"));
        const first = await storage.budgets.upsertBudget({
          accountId: "acct_b",
          tag: "search",
          monthlyCapNanodollars: 10,
          createdAt: 1,
          updatedAt: 1,
        });
        assert.deepEqual(first, {
          accountId: "acct_b",
          tag: "search",
          monthlyCapNanodollars: 10,
          createdAt: 1,
          updatedAt: 1,
        });
        const second = await storage.budgets.upsertBudget({
          ...first,
          monthlyCapNanodollars: 20,
          createdAt: 9,
          updatedAt: 2,
        });
        assert.deepEqual(second, { ...first, monthlyCapNanodollars: 20, updatedAt: 2 });
        await storage.budgets.upsertBudget({ ...first, tag: "chat ünï" });
        assert.deepEqual(
          (await storage.budgets.listBudgets("acct_b")).map((budget) => budget.tag),
          ["chat ünï", "search"],
        );
        assert.equal(await storage.budgets.deleteBudget("acct_b", "search"), true);
        assert.equal(await storage.budgets.deleteBudget("acct_b", "search"), false);
        assert.equal(await storage.budgets.findBudget("acct_b", "search"), undefined);
      }));

    test("usage rollups: day and month totals equal the raw rows to the nanodollar, by scope", () =>
      withStorage(async (storage) => {
        const day = Date.UTC(2026, 10, 24, 12);
        const rows: UsageRecord[] = [];
        for (let index = 0; index < 300; index++) {
          const sub = index % 3 === 0;
          rows.push({
            ...usageRow(sub ? "sa_1" : "acct_1", index, day + (index % 2) * 86_400_000),
            billingAccountId: "acct_1",
            costNanodollars: 1_000_003 * index,
          });
        }
        // Two batches into the same rollup rows: the second adds, it does not overwrite.
        await storage.usage.insertUsage(rows.slice(0, 100));
        await storage.usage.insertUsage(rows.slice(100));
        const expected = rows.reduce((total, row) => total + row.costNanodollars, 0);
        const sum = (rollups: readonly { costNanodollars: number }[]) =>
          rollups.reduce((total, rollup) => total + rollup.costNanodollars, 0);

        const months = await storage.usage.listUsageRollups({
          granularity: "month",
          billingAccountId: "acct_1",
        });
        assert.equal(sum(months), expected);
        assert.equal(
          months.reduce((total, rollup) => total + rollup.requests, 0),
          300,
        );
        assert.equal(
          months.reduce((total, rollup) => total + rollup.errors, 0),
          30,
        );
        const days = await storage.usage.listUsageRollups({ granularity: "day", billingAccountId: "acct_1" });
        assert.deepEqual([...new Set(days.map((rollup) => rollup.period))], ["2026-11-24", "2026-11-25"]);
        assert.equal(sum(days), expected);
        const firstDay = await storage.usage.listUsageRollups({
          granularity: "day",
          billingAccountId: "acct_1",
          fromPeriod: "2026-11-24",
          toPeriod: "2026-11-24",
        });
        assert.equal(
          sum(firstDay),
          rows.filter((_, index) => index % 2 === 0).reduce((t, r) => t + r.costNanodollars, 0),
        );
        const subOnly = await storage.usage.listUsageRollups({ granularity: "month", accountId: "sa_1" });
        assert.equal(
          sum(subOnly),
          rows.filter((row) => row.accountId === "sa_1").reduce((t, r) => t + r.costNanodollars, 0),
        );
        assert.deepEqual(
          [...new Set(months.map((rollup) => rollup.tag))].sort(),
          ["", "NULL", 'quote " comma , braces {} backslash \\ end', "team:search", "ünïcødé 🙂"].sort(),
        );
      }));

    test("usage retention deletes raw rows before a time and keeps the rollups", () =>
      withStorage(async (storage) => {
        const rows = [0, 1, 2, 3].map((index) => usageRow("acct_r", index, 1_000 + index));
        await storage.usage.insertUsage(rows);
        assert.equal(await storage.usage.deleteUsageBefore(1_002), 2);
        assert.deepEqual(
          (await storage.usage.listRecentUsage("acct_r", 10)).map((row) => row.requestId),
          ["req_3", "req_2"],
        );
        const rollups = await storage.usage.listUsageRollups({
          granularity: "month",
          billingAccountId: "acct_r",
        });
        assert.equal(
          rollups.reduce((total, rollup) => total + rollup.requests, 0),
          4,
        );
      }));

    test("keys: insert, find by hash, find, list in (created_at, id) byte order", () =>
      withStorage(async (storage) => {
        await storage.accounts.insertAccount(account("acct_a"));
        await storage.accounts.insertAccount(account("acct_b"));
        const full = apiKey("acct_a", "key_full", {
          role: "owner",
          createdAt: 1_700_000_000_500,
          lastUsedAt: 1_700_000_000_900,
          revokedAt: 1_700_000_001_000,
          replacesKeyId: "key_B",
        });
        // Same created_at: id breaks the tie by bytes, so "key_B" sorts before "key_a" on every backend.
        const upper = apiKey("acct_a", "key_B");
        const lower = apiKey("acct_a", "key_a");
        const other = apiKey("acct_b", "key_other");
        for (const key of [full, lower, upper, other]) await storage.keys.insertKey(key);

        assert.deepEqual(await storage.keys.findKeyByHash(full.keyHash), full);
        assert.equal(await storage.keys.findKeyByHash("no-such-hash"), undefined);
        assert.deepEqual(await storage.keys.findKey("acct_a", "key_full"), full);
        assert.equal(await storage.keys.findKey("acct_b", "key_full"), undefined);
        assert.deepEqual(await storage.keys.listKeys("acct_a"), [upper, lower, full]);
        assert.deepEqual(await storage.keys.listKeys("acct_none"), []);

        await assert.rejects(storage.keys.insertKey(apiKey("acct_a", "key_dup", { keyHash: full.keyHash })));
        await assert.rejects(storage.keys.insertKey(apiKey("acct_unknown", "key_orphan")));
      }));

    test("keys: revoke changes only a live key of that account, once", () =>
      withStorage(async (storage) => {
        await storage.accounts.insertAccount(account("acct_a"));
        await storage.keys.insertKey(apiKey("acct_a", "key_1"));

        assert.equal(await storage.keys.revokeKey("acct_other", "key_1", 10), false);
        assert.equal(await storage.keys.revokeKey("acct_a", "key_missing", 10), false);
        assert.equal(await storage.keys.revokeKey("acct_a", "key_1", 1_700_000_000_100), true);
        assert.equal(await storage.keys.revokeKey("acct_a", "key_1", 1_700_000_000_200), false);
        assert.equal((await storage.keys.findKey("acct_a", "key_1"))?.revokedAt, 1_700_000_000_100);
      }));

    test("keys: recordKeyUse keeps the latest last_used_at", () =>
      withStorage(async (storage) => {
        await storage.accounts.insertAccount(account("acct_a"));
        await storage.keys.insertKey(apiKey("acct_a", "key_1"));
        await storage.keys.insertKey(apiKey("acct_a", "key_2", { lastUsedAt: 5_000 }));
        const lastUsed = async (id: string) => (await storage.keys.findKey("acct_a", id))?.lastUsedAt;

        await storage.keys.recordKeyUse([]);
        assert.equal(await lastUsed("key_1"), null);

        // Several uses of one key in a batch, in any order, and a key that does not exist.
        await storage.keys.recordKeyUse([
          { id: "key_1", lastUsedAt: 3_000 },
          { id: "key_2", lastUsedAt: 4_000 },
          { id: "key_1", lastUsedAt: 9_000 },
          { id: "key_1", lastUsedAt: 1_000 },
          { id: "key_ghost", lastUsedAt: 9_999 },
        ]);
        assert.equal(await lastUsed("key_1"), 9_000);
        assert.equal(await lastUsed("key_2"), 5_000);

        await storage.keys.recordKeyUse([{ id: "key_1", lastUsedAt: 8_000 }]);
        assert.equal(await lastUsed("key_1"), 9_000);
        await storage.keys.recordKeyUse([{ id: "key_2", lastUsedAt: 1_700_000_000_123 }]);
        assert.equal(await lastUsed("key_2"), 1_700_000_000_123);
      }));

    test("usage: a 2,500-row batch round-trips exactly, newest first, limited", () =>
      withStorage(async (storage) => {
        const base = 1_700_000_000_000;
        // Three rows share each created_at, so the id tie-break (insertion order) is exercised.
        const mine = Array.from({ length: 2_500 }, (_, index) =>
          usageRow("acct_usage", index, base + Math.floor(index / 3)),
        );
        const batch = [
          ...mine.slice(0, 1_200),
          usageRow("acct_else", 90_001, base + 5_000),
          usageRow(null, 90_002, base + 5_000),
          ...mine.slice(1_200),
        ];
        await storage.usage.insertUsage(batch);
        await storage.usage.insertUsage([]);

        const newestFirst = mine
          .map((record, index) => ({ record, index }))
          .sort((a, b) => b.record.createdAt - a.record.createdAt || b.index - a.index)
          .map(({ record }) => record);

        assert.deepEqual(await storage.usage.listRecentUsage("acct_usage", 10), newestFirst.slice(0, 10));
        assert.deepEqual(await storage.usage.listRecentUsage("acct_usage", 5_000), newestFirst);
        assert.deepEqual(await storage.usage.listRecentUsage("acct_else", 10), [batch[1_200]]);
        assert.deepEqual(await storage.usage.listRecentUsage("acct_none", 10), []);

        const all = await storage.usage.listRecentUsage("acct_usage", 5_000);
        const byRequest = new Map(all.map((record) => [record.requestId, record]));
        assert.equal(byRequest.get("req_7")?.costNanodollars, 9_007_199_254);
        assert.equal(byRequest.get("req_8")?.costNanodollars, Number.MAX_SAFE_INTEGER);
        assert.equal(byRequest.get("req_5")?.timeToFirstTokenMs, null);
        assert.equal(byRequest.get("req_2")?.stream, true);
        assert.equal(byRequest.get("req_3")?.stream, false);
        assert.deepEqual(
          awkwardTags.map((_, index) => byRequest.get(`req_${index}`)?.tag),
          [...awkwardTags],
        );
      }));

    test("usage: a BIGINT past 2^53 fails the read instead of coming back rounded", () =>
      withStorage(async (storage) => {
        const tooLarge = { ...usageRow("acct_big", 1, 1_000), costNanodollars: 2 ** 53 + 2 };
        await storage.usage.insertUsage([tooLarge]);
        await assert.rejects(storage.usage.listRecentUsage("acct_big", 1), /too large|safe integer/);
        assert.equal(await storage.ping(), true);
      }));

    test("events: insert and list newest first with JSON data intact", () =>
      withStorage(async (storage) => {
        const events: EventRecord[] = [
          {
            id: "evt_1",
            accountId: "acct_ev",
            type: "key.rotated",
            data: { zeta: 1, alpha: [1, 2.5, null, true], nested: { "ü 🙂": '"quoted"\n', empty: {} } },
            createdAt: 1_000,
          },
          {
            id: "evt_3",
            accountId: "acct_ev",
            type: "usage.threshold",
            data: "plain string",
            createdAt: 2_000,
          },
          { id: "evt_2", accountId: "acct_ev", type: "usage.threshold", data: null, createdAt: 2_000 },
          { id: "evt_4", accountId: "acct_ev", type: "job.completed", data: [], createdAt: 500 },
          { id: "evt_x", accountId: "acct_other", type: "job.failed", data: { n: 1 }, createdAt: 3_000 },
        ];
        for (const event of events) await storage.events.insertEvent(event);

        const listed = await storage.events.listEvents("acct_ev", 10);
        assert.deepEqual(
          listed.map((event) => event.id),
          ["evt_3", "evt_2", "evt_1", "evt_4"],
        );
        for (const event of listed) {
          const original = events.find((candidate) => candidate.id === event.id);
          assert.deepEqual(event, original);
          // Key order too: the document comes back as it was written.
          assert.equal(JSON.stringify(event.data), JSON.stringify(original?.data));
        }
        assert.deepEqual(
          (await storage.events.listEvents("acct_ev", 2)).map((event) => event.id),
          ["evt_3", "evt_2"],
        );
        await assert.rejects(storage.events.insertEvent({ ...events[0]!, data: { other: true } }));
      }));

    test("ping answers true while open and false after close, without throwing", async () => {
      const storage = await backend.openEmpty();
      assert.equal(await storage.ping(), true);
      await storage.close();
      assert.equal(await storage.ping(), false);
      await storage.close();
    });

    test("migrations: opening the same database again applies nothing twice", async () => {
      const database = await backend.createDatabase();
      const first = await database.open();
      await first.accounts.insertAccount(account("acct_kept"));
      await first.close();
      const appliedOnce = await database.appliedMigrations();
      assert.ok(appliedOnce.length > 0);

      const second = await database.open();
      try {
        assert.deepEqual(await database.appliedMigrations(), appliedOnce);
        assert.deepEqual(await second.accounts.findAccount("acct_kept"), account("acct_kept"));
      } finally {
        await second.close();
      }
    });

    test("migrations: replicas opening a fresh database together all succeed", async () => {
      const database = await backend.createDatabase();
      const storages = await Promise.all([database.open(), database.open(), database.open()]);
      try {
        const applied = await database.appliedMigrations();
        assert.equal(new Set(applied.map((migration) => migration.version)).size, applied.length);
        const id = `acct_${randomUUID()}`;
        await storages[0].accounts.insertAccount(account(id));
        for (const storage of storages) assert.deepEqual(await storage.accounts.findAccount(id), account(id));
      } finally {
        await Promise.all(storages.map((storage) => storage.close()));
      }
    });
  });
}

storageContract("SQLite", sqliteBackend);

const databaseUrl = process.env.DATABASE_URL;
if (databaseUrl) {
  storageContract("PostgreSQL", () => postgresBackend(databaseUrl));
} else {
  describe(
    "storage contract: PostgreSQL",
    { skip: "DATABASE_URL not set: PostgreSQL contract tests skipped" },
    () => {},
  );
}
