// The webhook outbox contract, run over every backend like storage-contract.test.ts: SQLite always,
// PostgreSQL when DATABASE_URL is set.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { openPostgresStorage } from "../../src/storage/postgres/open-postgres-storage.ts";
import { openSqliteStorage } from "../../src/storage/sqlite/open-sqlite-storage.ts";
import type { EventRecord, Storage, WebhookEndpointRecord } from "../../src/storage/storage.ts";
import { PostgresTestSchemas } from "./postgres-test-schemas.ts";

interface Backend {
  /** Two storages on one new, empty database (two replicas, or one process twice for SQLite). */
  openPair(): Promise<[Storage, Storage]>;
  dispose(): Promise<void>;
}

function sqliteBackend(): Backend {
  const directories: string[] = [];
  return {
    async openPair() {
      const directory = await mkdtemp(join(tmpdir(), "aig-webhook-store-"));
      directories.push(directory);
      const path = join(directory, "gateway.db");
      return [openSqliteStorage(path), openSqliteStorage(path)];
    },
    async dispose() {
      await Promise.all(directories.map((directory) => rm(directory, { recursive: true, force: true })));
    },
  };
}

function postgresBackend(databaseUrl: string): Backend {
  const schemas = new PostgresTestSchemas(databaseUrl);
  return {
    async openPair() {
      const url = await schemas.create();
      const first = await openPostgresStorage(url, { maxConnections: 4 });
      return [first, await openPostgresStorage(url, { maxConnections: 4 })];
    },
    dispose: () => schemas.dropAll(),
  };
}

const base = 1_700_000_000_000;

function endpoint(accountId: string, id: string, events: string[], createdAt = base): WebhookEndpointRecord {
  return { id, accountId, url: `https://hooks.example.com/${id}`, events, description: null, createdAt };
}

function event(accountId: string, id: string, type: string, createdAt = base): EventRecord {
  return { id, accountId, type, data: { zeta: 1, alpha: ["ü 🙂", null, 2.5] }, createdAt };
}

function webhookStoreContract(name: string, createBackend: () => Backend): void {
  describe(`webhook store contract: ${name}`, () => {
    const backend = createBackend();
    after(() => backend.dispose());

    async function withStorages(work: (first: Storage, second: Storage) => Promise<void>): Promise<void> {
      const [first, second] = await backend.openPair();
      try {
        await work(first, second);
      } finally {
        await first.close();
        await second.close();
      }
    }

    test("endpoints: insert, list in creation order, find and delete only within the account", () =>
      withStorages(async ({ webhooks }) => {
        const second = { ...endpoint("acct_a", "whe_2", ["job.completed", "key.rotated"], base + 1) };
        const first = { ...endpoint("acct_a", "whe_1", ["*"]), description: "ünïcødé 🙂" };
        await webhooks.insertEndpoint(second);
        await webhooks.insertEndpoint(first);
        await webhooks.insertEndpoint(endpoint("acct_b", "whe_3", ["*"]));
        assert.deepEqual(await webhooks.listEndpoints("acct_a"), [first, second]);
        assert.deepEqual(await webhooks.findEndpoint("acct_a", "whe_2"), second);
        assert.equal(await webhooks.findEndpoint("acct_b", "whe_2"), undefined);
        assert.equal(await webhooks.deleteEndpoint("acct_b", "whe_2", base), false);
        assert.equal(await webhooks.deleteEndpoint("acct_a", "whe_2", base), true);
        assert.equal(await webhooks.deleteEndpoint("acct_a", "whe_2", base), false);
        assert.deepEqual(await webhooks.listEndpoints("acct_a"), [first]);
      }));

    test("recording an event fans out to subscribed endpoints of its account and extra URLs, atomically", () =>
      withStorages(async (storage) => {
        const { webhooks } = storage;
        await webhooks.insertEndpoint(endpoint("acct_a", "whe_all", ["*"]));
        await webhooks.insertEndpoint(endpoint("acct_a", "whe_jobs", ["job.completed", "job.failed"]));
        await webhooks.insertEndpoint(endpoint("acct_a", "whe_keys", ["key.rotated"]));
        await webhooks.insertEndpoint(endpoint("acct_b", "whe_other", ["*"]));

        const deliveries = await webhooks.recordEvent(event("acct_a", "evt_1", "job.completed", base + 5), [
          "https://per-request.example.com/hook",
        ]);
        const targets = deliveries.map((delivery) => delivery.endpointId ?? delivery.url).sort();
        assert.deepEqual(targets, ["https://per-request.example.com/hook", "whe_all", "whe_jobs"]);
        for (const delivery of deliveries) {
          assert.match(delivery.id, /^whd_[0-9a-f]{32}$/);
          assert.equal(delivery.accountId, "acct_a");
          assert.equal(delivery.eventId, "evt_1");
          assert.equal(delivery.eventType, "job.completed");
          assert.equal(delivery.status, "pending");
          assert.equal(delivery.attempts, 0);
          assert.equal(delivery.nextAttemptAt, base + 5);
          assert.equal(delivery.createdAt, base + 5);
          assert.equal(delivery.redeliveryOf, null);
        }
        assert.equal(new Set(deliveries.map((delivery) => delivery.id)).size, 3);

        // EventStore.insertEvent is the same outbox write (the key service records key.rotated with it).
        await storage.events.insertEvent(event("acct_a", "evt_2", "key.rotated", base + 6));
        const keyDeliveries = await webhooks.listDeliveries("acct_a", { limit: 10, eventId: "evt_2" });
        assert.deepEqual(keyDeliveries.map((delivery) => delivery.endpointId).sort(), [
          "whe_all",
          "whe_keys",
        ]);

        // A duplicate event id fails as a whole: no deliveries are left behind.
        await assert.rejects(
          webhooks.recordEvent(event("acct_a", "evt_1", "job.completed"), ["https://x.example"]),
        );
        assert.equal((await webhooks.listDeliveries("acct_a", { limit: 100 })).length, 5);
        assert.deepEqual(await webhooks.recordEvent(event("acct_c", "evt_3", "job.completed")), []);
      }));

    test("claims lease due deliveries once, in due order, and skip leased, future and finished ones", () =>
      withStorages(async (storage, replica) => {
        const { webhooks } = storage;
        await webhooks.insertEndpoint(endpoint("acct_a", "whe_all", ["*"]));
        for (let index = 0; index < 6; index++) {
          await webhooks.recordEvent(event("acct_a", `evt_${index}`, "job.completed", base + index));
        }
        await webhooks.recordEvent(event("acct_a", "evt_future", "job.completed", base + 60_000));

        const claim = (store: Storage, owner: string, now = base + 10, limit = 4) =>
          store.webhooks.claimDueDeliveries({ now, limit, leaseOwner: owner, leaseUntil: now + 60_000 });
        const [one, two] = await Promise.all([claim(storage, "owner-1"), claim(replica, "owner-2")]);
        const claimed = [...one, ...two].map(({ delivery }) => delivery.eventId);
        assert.equal(claimed.length, 6);
        assert.equal(new Set(claimed).size, 6, "no delivery is claimed twice");
        assert.ok(!claimed.includes("evt_future"));
        assert.equal((await claim(replica, "owner-3")).length, 0, "leased deliveries are not claimed again");

        const first = one[0] ?? two[0];
        assert.ok(first);
        assert.deepEqual(first.event.data, { zeta: 1, alpha: ["ü 🙂", null, 2.5] });
        assert.equal(first.event.type, "job.completed");

        // Order: earliest due first.
        const fresh = await backend.openPair();
        try {
          await fresh[0].webhooks.insertEndpoint(endpoint("acct_z", "whe_z", ["*"]));
          await fresh[0].webhooks.recordEvent(event("acct_z", "evt_late", "job.failed", base + 3));
          await fresh[0].webhooks.recordEvent(event("acct_z", "evt_early", "job.failed", base + 1));
          const ordered = await claim(fresh[0], "owner-z", base + 10);
          assert.deepEqual(
            ordered.map(({ delivery }) => delivery.eventId),
            ["evt_early", "evt_late"],
          );
        } finally {
          await fresh[0].close();
          await fresh[1].close();
        }

        // An expired lease (a crashed replica) is claimable again.
        const reclaimed = await claim(replica, "owner-4", base + 70_011, 10);
        assert.deepEqual(
          reclaimed.map(({ delivery }) => delivery.eventId).sort(),
          [...claimed, "evt_future"].sort(),
        );
      }));

    test("completing an attempt logs it and applies the outcome only under the claim's lease", () =>
      withStorages(async ({ webhooks }) => {
        await webhooks.insertEndpoint(endpoint("acct_a", "whe_all", ["*"]));
        const [delivery] = await webhooks.recordEvent(event("acct_a", "evt_1", "job.completed"));
        assert.ok(delivery);
        await webhooks.claimDueDeliveries({
          now: base,
          limit: 1,
          leaseOwner: "lease-1",
          leaseUntil: base + 60_000,
        });

        const attempt = (number: number, at: number) => ({
          deliveryId: delivery.id,
          attempt: number,
          attemptedAt: at,
          statusCode: 500,
          error: "HTTP 500: boom",
          durationMs: 12,
        });
        assert.equal(
          await webhooks.completeAttempt(attempt(1, base), "someone-else", {
            status: "pending",
            nextAttemptAt: 1,
          }),
          false,
        );
        assert.equal(
          await webhooks.completeAttempt(attempt(1, base), "lease-1", {
            status: "pending",
            nextAttemptAt: base + 30_000,
          }),
          true,
        );
        let stored = await webhooks.findDelivery("acct_a", delivery.id);
        assert.equal(stored?.status, "pending");
        assert.equal(stored?.attempts, 1);
        assert.equal(stored?.nextAttemptAt, base + 30_000);
        assert.equal(stored?.lastStatusCode, 500);
        assert.equal(stored?.lastError, "HTTP 500: boom");
        assert.equal(stored?.lastAttemptAt, base);
        assert.equal(stored?.completedAt, null);

        // Not due before its next attempt time; then claimable and completable as succeeded.
        const early = await webhooks.claimDueDeliveries({
          now: base + 29_999,
          limit: 5,
          leaseOwner: "l",
          leaseUntil: 0,
        });
        assert.equal(early.length, 0);
        const [again] = await webhooks.claimDueDeliveries({
          now: base + 30_000,
          limit: 5,
          leaseOwner: "lease-2",
          leaseUntil: base + 90_000,
        });
        assert.equal(again?.delivery.attempts, 1);
        assert.equal(
          await webhooks.completeAttempt(
            { ...attempt(2, base + 30_000), statusCode: 204, error: null },
            "lease-2",
            {
              status: "succeeded",
            },
          ),
          true,
        );
        stored = await webhooks.findDelivery("acct_a", delivery.id);
        assert.equal(stored?.status, "succeeded");
        assert.equal(stored?.attempts, 2);
        assert.equal(stored?.nextAttemptAt, null);
        assert.equal(stored?.completedAt, base + 30_000);
        assert.equal(stored?.lastError, null);
        // A late duplicate of attempt 2 (lost lease) changes nothing.
        assert.equal(
          await webhooks.completeAttempt(attempt(2, base + 31_000), "lease-2", { status: "failed" }),
          false,
        );

        assert.deepEqual(await webhooks.listAttempts([delivery.id, "whd_unknown"]), [
          { ...attempt(1, base) },
          { ...attempt(2, base + 30_000), statusCode: 204, error: null },
        ]);
        assert.deepEqual(await webhooks.listAttempts([]), []);
      }));

    test("releasing a claim makes the delivery claimable at once with its attempt count unchanged", () =>
      withStorages(async ({ webhooks }) => {
        await webhooks.insertEndpoint(endpoint("acct_a", "whe_all", ["*"]));
        const [delivery] = await webhooks.recordEvent(event("acct_a", "evt_1", "job.completed"));
        assert.ok(delivery);
        const claim = (owner: string) =>
          webhooks.claimDueDeliveries({ now: base, limit: 5, leaseOwner: owner, leaseUntil: base + 60_000 });
        assert.equal((await claim("a")).length, 1);
        await webhooks.releaseDelivery(delivery.id, "not-a");
        assert.equal((await claim("b")).length, 0);
        await webhooks.releaseDelivery(delivery.id, "a");
        const [again] = await claim("b");
        assert.equal(again?.delivery.attempts, 0);
      }));

    test("deliveries: listed newest first with filters, per account; redeliver makes a new one", () =>
      withStorages(async ({ webhooks }) => {
        await webhooks.insertEndpoint(endpoint("acct_a", "whe_1", ["*"]));
        await webhooks.insertEndpoint(endpoint("acct_a", "whe_2", ["key.rotated"]));
        await webhooks.insertEndpoint(endpoint("acct_b", "whe_b", ["*"]));
        await webhooks.recordEvent(event("acct_a", "evt_1", "job.completed", base + 1));
        await webhooks.recordEvent(event("acct_a", "evt_2", "key.rotated", base + 2));
        const [other] = await webhooks.recordEvent(event("acct_b", "evt_3", "key.rotated", base + 3));
        assert.ok(other);

        const all = await webhooks.listDeliveries("acct_a", { limit: 10 });
        assert.deepEqual(
          all.map((delivery) => delivery.eventId),
          ["evt_2", "evt_2", "evt_1"],
        );
        assert.equal((await webhooks.listDeliveries("acct_a", { limit: 1 })).length, 1);
        assert.deepEqual(
          (await webhooks.listDeliveries("acct_a", { limit: 10, endpointId: "whe_2" })).map((d) => d.eventId),
          ["evt_2"],
        );
        assert.equal((await webhooks.listDeliveries("acct_a", { limit: 10, status: "failed" })).length, 0);
        assert.equal((await webhooks.listDeliveries("acct_a", { limit: 10, status: "pending" })).length, 3);
        assert.equal(await webhooks.findDelivery("acct_a", other.id), undefined);
        assert.deepEqual(await webhooks.findDelivery("acct_b", other.id), other);

        assert.equal(await webhooks.redeliver("acct_a", other.id, base + 100), undefined);
        const copy = await webhooks.redeliver("acct_b", other.id, base + 100);
        assert.ok(copy);
        assert.notEqual(copy.id, other.id);
        assert.match(copy.id, /^whd_[0-9a-f]{32}$/);
        assert.deepEqual(
          { ...copy, id: other.id },
          { ...other, createdAt: base + 100, nextAttemptAt: base + 100, redeliveryOf: other.id },
        );
      }));

    test("deleting an endpoint cancels its pending deliveries and leaves others alone", () =>
      withStorages(async ({ webhooks }) => {
        await webhooks.insertEndpoint(endpoint("acct_a", "whe_1", ["*"]));
        await webhooks.insertEndpoint(endpoint("acct_a", "whe_2", ["*"]));
        await webhooks.recordEvent(event("acct_a", "evt_1", "job.completed"));
        assert.equal(await webhooks.deleteEndpoint("acct_a", "whe_1", base + 50), true);
        const [cancelled] = await webhooks.listDeliveries("acct_a", { limit: 5, endpointId: "whe_1" });
        assert.equal(cancelled?.status, "cancelled");
        assert.equal(cancelled?.nextAttemptAt, null);
        assert.equal(cancelled?.completedAt, base + 50);
        assert.equal(cancelled?.lastError, "endpoint deleted");
        const claimed = await webhooks.claimDueDeliveries({
          now: base + 60,
          limit: 5,
          leaseOwner: "x",
          leaseUntil: base + 999,
        });
        assert.deepEqual(
          claimed.map(({ delivery }) => delivery.endpointId),
          ["whe_2"],
        );
        // New events no longer fan out to it.
        const later = await webhooks.recordEvent(event("acct_a", "evt_2", "job.completed"));
        assert.deepEqual(
          later.map((delivery) => delivery.endpointId),
          ["whe_2"],
        );
      }));

    test("secrets: created once even when raced, rotated with or without a grace period", () =>
      withStorages(async ({ webhooks }, replica) => {
        assert.equal(await webhooks.findSecret("acct_a"), undefined);
        const [one, two] = await Promise.all([
          webhooks.ensureSecret("acct_a", "whsec_one", base),
          replica.webhooks.ensureSecret("acct_a", "whsec_two", base + 1),
        ]);
        assert.equal(one.secret, two.secret);
        assert.deepEqual(await webhooks.ensureSecret("acct_a", "whsec_three", base + 2), one);
        assert.deepEqual(one, {
          accountId: "acct_a",
          secret: one.secret,
          previousSecret: null,
          previousSecretExpiresAt: null,
          createdAt: one.createdAt,
          rotatedAt: null,
        });

        const graceful = await webhooks.rotateSecret("acct_a", "whsec_new", base + 10, base + 3_600_010);
        assert.deepEqual(graceful, {
          ...one,
          secret: "whsec_new",
          previousSecret: one.secret,
          previousSecretExpiresAt: base + 3_600_010,
          rotatedAt: base + 10,
        });
        const immediate = await webhooks.rotateSecret("acct_a", "whsec_newer", base + 20, null);
        assert.deepEqual(immediate, {
          ...one,
          secret: "whsec_newer",
          previousSecret: null,
          previousSecretExpiresAt: null,
          rotatedAt: base + 20,
        });
        assert.deepEqual(await replica.webhooks.findSecret("acct_a"), immediate);

        const first = await webhooks.rotateSecret("acct_new", "whsec_first", base, null);
        assert.equal(first.secret, "whsec_first");
        assert.equal(first.previousSecret, null);
      }));
  });
}

webhookStoreContract("SQLite", sqliteBackend);

const databaseUrl = process.env.DATABASE_URL;
if (databaseUrl) {
  webhookStoreContract("PostgreSQL", () => postgresBackend(databaseUrl));
} else {
  describe(
    "webhook store contract: PostgreSQL",
    { skip: "DATABASE_URL not set: PostgreSQL webhook store tests skipped" },
    () => {},
  );
}
