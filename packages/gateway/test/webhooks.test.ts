// Webhooks end to end: a real gateway posts to a real receiver on port 0 that checks every
// signature. Time is a clock the test moves and the dispatcher's poll timer never fires on its own,
// so the retry schedule is observed without sleeping. Runs over SQLite, and PostgreSQL when
// DATABASE_URL is set.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { loadConfig } from "../src/config/load-config.ts";
import { createGateway, type Gateway } from "../src/create-gateway.ts";
import type { WebhookTimers } from "../src/webhooks/webhook-dispatcher.ts";
import type { ResolveHost } from "../src/webhooks/webhook-url-guard.ts";
import { PostgresTestSchemas } from "./storage/postgres-test-schemas.ts";
import { callApi } from "./support/call-api.ts";

const ownerKey = "sk-aig-webhook-test-owner-0123456789";
const startTime = Date.UTC(2030, 0, 1, 12, 0, 0);
const schedule = [30_000, 120_000, 600_000, 3_600_000, 21_600_000];

/** Poll timers that never fire: every delivery run in these tests is an explicit deliverDue(). */
const manualTimers: WebhookTimers = { setTimeout: () => undefined, clearTimeout: () => undefined };

interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
  /** The clock (ms) when it arrived. */
  at: number;
}

interface Receiver {
  url: string;
  port: number;
  received: ReceivedWebhook[];
  /** Statuses for the next requests, in order; 200 once they run out. */
  respondWith(...statuses: number[]): void;
  close(): Promise<void>;
}

async function startReceiver(clock: () => number): Promise<Receiver> {
  const received: ReceivedWebhook[] = [];
  const script: number[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString("utf8"), at: clock() });
      const status = script.shift() ?? 200;
      response
        .writeHead(status, { "content-type": "text/plain" })
        .end(status >= 400 ? "receiver says no" : "ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    port,
    received,
    respondWith: (...statuses) => script.push(...statuses),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A place a gateway keeps its state, opened again after a restart. */
interface TestDatabase {
  env: Record<string, string>;
  databasePath: string;
}

interface Backend {
  name: string;
  createDatabase(): Promise<TestDatabase>;
  dispose(): Promise<void>;
}

const sqliteBackend: Backend = {
  name: "SQLite",
  async createDatabase() {
    return { env: {}, databasePath: join(mkdtempSync(join(tmpdir(), "aig-webhooks-")), "gateway.db") };
  },
  async dispose() {},
};

function postgresBackend(databaseUrl: string): Backend {
  const schemas = new PostgresTestSchemas(databaseUrl);
  return {
    name: "PostgreSQL",
    async createDatabase() {
      return { env: { DATABASE_URL: await schemas.create() }, databasePath: ":memory:" };
    },
    dispose: () => schemas.dropAll(),
  };
}

interface TestClock {
  now: () => number;
  advance(milliseconds: number): void;
  set(milliseconds: number): void;
}

function createClock(): TestClock {
  let current = startTime;
  return {
    now: () => current,
    advance: (milliseconds) => void (current += milliseconds),
    set: (milliseconds) => void (current = milliseconds),
  };
}

/** The fields these tests read, from whichever object (or error) the gateway answered with. */
interface ApiBody {
  id: string;
  object: string;
  url: string;
  events: string[];
  description: string | null;
  key: string;
  secret: string;
  previous_secret_expires_at: number | null;
  status: string;
  event_id: string;
  endpoint_id: string | null;
  attempt_count: number;
  max_attempts: number;
  next_attempt_at: number | null;
  last_status_code: number | null;
  last_error: string;
  completed_at: number | null;
  redelivery_of: string | null;
  attempts: { attempt: number; status_code: number | null; attempted_at: number }[];
  data: ApiBody[];
  deleted: boolean;
  error: { message: string; type: string; param: string | null };
}

interface WebhookPayload {
  id: string;
  type: string;
  created: number;
  data: Record<string, unknown>;
}

interface OpenedGateway {
  gateway: Gateway;
  baseUrl: string;
  call(
    method: string,
    path: string,
    body?: unknown,
    key?: string,
  ): Promise<{ status: number; body: ApiBody }>;
  close(): Promise<void>;
}

async function openGateway(
  database: TestDatabase,
  clock: TestClock,
  options: { allowPrivate?: boolean; resolveHost?: ResolveHost } = {},
): Promise<OpenedGateway> {
  const config = loadConfig(
    {
      AIG_ADMIN_KEY: ownerKey,
      AIG_WEBHOOK_ALLOW_PRIVATE: String(options.allowPrivate ?? true),
      AIG_WEBHOOK_TIMEOUT_MS: "5000",
      ...database.env,
    },
    mkdtempSync(join(tmpdir(), "aig-webhooks-config-")),
  );
  const gateway = await createGateway(config, {
    databasePath: database.databasePath,
    log: () => undefined,
    now: clock.now,
    webhooks: { timers: manualTimers, ...(options.resolveHost ? { resolveHost: options.resolveHost } : {}) },
  });
  await gateway.app.listen({ host: "127.0.0.1", port: 0 });
  const baseUrl = `http://127.0.0.1:${(gateway.app.server.address() as AddressInfo).port}`;
  return {
    gateway,
    baseUrl,
    call: (method, path, body, key = ownerKey) => callApi<ApiBody>(baseUrl, key, method, path, body),
    close: () => gateway.close(),
  };
}

/** Independent of the gateway's code: HMAC-SHA256 over `${t}.${body}`, any v1 of the header. */
function signatureMatches(secret: string, webhook: ReceivedWebhook): boolean {
  const header = String(webhook.headers["x-aig-signature"]);
  const parts = header.split(",").map((part) => part.split("="));
  const timestamp = parts.find(([name]) => name === "t")?.[1];
  const expected = createHmac("sha256", secret).update(`${timestamp}.${webhook.body}`).digest("hex");
  return parts.some(([name, value]) => name === "v1" && value === expected);
}

function signatureValues(webhook: ReceivedWebhook): { t: number; v1: string[] } {
  const parts = String(webhook.headers["x-aig-signature"])
    .split(",")
    .map((part) => part.split("="));
  return {
    t: Number(parts.find(([name]) => name === "t")?.[1]),
    v1: parts.filter(([name]) => name === "v1").map(([, value]) => value ?? ""),
  };
}

async function ownerAccountId(opened: OpenedGateway): Promise<string> {
  const principal = await opened.gateway.keys.authenticate(ownerKey);
  assert.ok(principal);
  return principal.accountId;
}

function webhookSuite(backend: Backend): void {
  describe(`webhooks over ${backend.name}`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    after(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup();
      await backend.dispose();
    });

    async function setUp(options: { allowPrivate?: boolean; resolveHost?: ResolveHost } = {}) {
      const clock = createClock();
      const database = await backend.createDatabase();
      const opened = await openGateway(database, clock, options);
      const receiver = await startReceiver(clock.now);
      cleanups.push(
        () => opened.close(),
        () => receiver.close(),
      );
      const secret = async (): Promise<string> => {
        const response = await opened.call("GET", "/v1/webhook-secret");
        assert.equal(response.status, 200);
        return response.body.secret;
      };
      /** Asserts every webhook received so far is signed with the account's current secret. */
      const assertAllSigned = async (): Promise<void> => {
        const current = await secret();
        for (const webhook of receiver.received) assert.ok(signatureMatches(current, webhook), webhook.body);
      };
      return { clock, database, opened, receiver, secret, assertAllSigned };
    }

    test("a rotated key is announced as a signed key.rotated to endpoints subscribed to it, and only those", async () => {
      const { opened, receiver, assertAllSigned } = await setUp();
      const jobsOnly = await startReceiver(() => 0);
      cleanups.push(() => jobsOnly.close());
      const subscribed = await opened.call("POST", "/v1/webhooks/endpoints", {
        url: receiver.url,
        events: ["key.rotated"],
        description: "key audit",
      });
      assert.equal(subscribed.status, 201);
      assert.match(subscribed.body.id, /^whe_/);
      assert.deepEqual(subscribed.body.events, ["key.rotated"]);
      const other = await opened.call("POST", "/v1/webhooks/endpoints", {
        url: jobsOnly.url,
        events: ["job.completed"],
      });
      assert.equal(other.status, 201);

      const key = await opened.call("POST", "/v1/keys", { name: "deploy" });
      const rotated = await opened.call("POST", `/v1/keys/${key.body.id}/rotate`);
      assert.equal(rotated.status, 201);
      await opened.gateway.webhooks.deliverDue();

      assert.equal(receiver.received.length, 1);
      assert.equal(jobsOnly.received.length, 0, "an endpoint not subscribed to key.rotated gets nothing");
      const [webhook] = receiver.received;
      assert.ok(webhook);
      assert.equal(webhook.headers["content-type"], "application/json");
      assert.equal(webhook.headers["x-aig-event-type"], "key.rotated");
      assert.equal(webhook.headers["x-aig-attempt"], "1");
      assert.match(String(webhook.headers["x-aig-delivery-id"]), /^whd_[0-9a-f]{32}$/);
      assert.equal(webhook.headers["x-gateway-signature"], webhook.headers["x-aig-signature"]);
      const payload = JSON.parse(webhook.body) as WebhookPayload;
      assert.match(payload.id, /^evt_/);
      assert.equal(payload.type, "key.rotated");
      assert.equal(payload.created, Math.floor(startTime / 1000));
      assert.equal(payload.data.old_key_id, key.body.id);
      assert.equal(payload.data.new_key_id, rotated.body.id);
      assert.equal(signatureValues(webhook).t, Math.floor(startTime / 1000));
      await assertAllSigned();

      const deliveries = await opened.call("GET", "/v1/webhooks/deliveries");
      assert.equal(deliveries.status, 200);
      assert.equal(deliveries.body.data.length, 1);
      const [delivery] = deliveries.body.data;
      assert.ok(delivery);
      assert.equal(delivery.id, webhook.headers["x-aig-delivery-id"]);
      assert.equal(delivery.status, "succeeded");
      assert.equal(delivery.endpoint_id, subscribed.body.id);
      assert.equal(delivery.event_id, payload.id);
      assert.equal(delivery.attempts[0]?.status_code, 200);
    });

    test("a receiver failing with 500 twice then 200 sees attempts 1, 2, 3 at +0, +30 s, +2 min with one delivery id", async () => {
      const { clock, opened, receiver, assertAllSigned } = await setUp();
      receiver.respondWith(500, 500);
      const accountId = await ownerAccountId(opened);
      const { eventId, deliveries } = await opened.gateway.webhooks.enqueueEvent({
        accountId,
        type: "job.completed",
        data: { job_id: "job_1", model: "video/model", result_url: "https://media.example/job_1.mp4" },
        webhookUrl: receiver.url,
      });
      assert.equal(deliveries.length, 1);
      const deliveryId = deliveries[0]?.id;

      await opened.gateway.webhooks.deliverDue();
      assert.equal(receiver.received.length, 1);
      let listed = await opened.call("GET", `/v1/webhooks/deliveries/${deliveryId}`);
      assert.equal(listed.body.status, "pending");
      assert.equal(listed.body.attempt_count, 1);
      assert.equal(listed.body.last_status_code, 500);
      assert.match(listed.body.last_error, /^HTTP 500: receiver says no/);
      assert.equal(listed.body.next_attempt_at, (startTime + 30_000) / 1000);
      assert.equal(listed.body.endpoint_id, null);
      assert.equal(listed.body.event_id, eventId);

      clock.advance(29_999);
      await opened.gateway.webhooks.deliverDue();
      assert.equal(receiver.received.length, 1, "not retried before 30 s");
      clock.advance(1);
      await opened.gateway.webhooks.deliverDue();
      assert.equal(receiver.received.length, 2);

      clock.advance(119_999);
      await opened.gateway.webhooks.deliverDue();
      assert.equal(receiver.received.length, 2, "not retried before 2 min");
      clock.advance(1);
      await opened.gateway.webhooks.deliverDue();
      assert.equal(receiver.received.length, 3);

      assert.deepEqual(
        receiver.received.map((webhook) => webhook.headers["x-aig-attempt"]),
        ["1", "2", "3"],
      );
      assert.deepEqual(
        receiver.received.map((webhook) => webhook.at - startTime),
        [0, 30_000, 150_000],
      );
      assert.deepEqual(
        receiver.received.map((webhook) => signatureValues(webhook).t * 1000 - startTime),
        [0, 30_000, 150_000],
      );
      assert.deepEqual(
        new Set(receiver.received.map((webhook) => webhook.headers["x-aig-delivery-id"])),
        new Set([deliveryId]),
      );
      assert.equal(
        new Set(receiver.received.map((webhook) => webhook.body)).size,
        1,
        "the body is the same on every attempt",
      );
      await assertAllSigned();

      listed = await opened.call("GET", `/v1/webhooks/deliveries/${deliveryId}`);
      assert.equal(listed.body.status, "succeeded");
      assert.equal(listed.body.attempt_count, 3);
      assert.equal(listed.body.next_attempt_at, null);
      assert.equal(listed.body.completed_at, (startTime + 150_000) / 1000);
      assert.deepEqual(
        listed.body.attempts.map((attempt) => [attempt.attempt, attempt.status_code, attempt.attempted_at]),
        [
          [1, 500, startTime / 1000],
          [2, 500, (startTime + 30_000) / 1000],
          [3, 200, (startTime + 150_000) / 1000],
        ],
      );

      // Nothing more happens however far the clock moves.
      clock.advance(30 * 86_400_000);
      await opened.gateway.webhooks.deliverDue();
      assert.equal(receiver.received.length, 3);
    });

    test("a receiver that always fails gets 6 attempts on the schedule, then the delivery is failed", async () => {
      const { clock, opened, receiver, assertAllSigned } = await setUp();
      receiver.respondWith(500, 502, 503, 500, 500, 500, 500);
      const accountId = await ownerAccountId(opened);
      const { deliveries } = await opened.gateway.webhooks.enqueueEvent({
        accountId,
        type: "job.failed",
        data: { job_id: "job_2", error: { code: "provider_error", message: "upstream failed" } },
        webhookUrl: receiver.url,
      });
      await opened.gateway.webhooks.deliverDue();
      for (const delay of schedule) {
        clock.advance(delay - 1);
        await opened.gateway.webhooks.deliverDue();
        clock.advance(1);
        await opened.gateway.webhooks.deliverDue();
      }
      assert.equal(receiver.received.length, 6);
      let elapsed = 0;
      const expectedTimes = [0, ...schedule.map((delay) => (elapsed += delay))];
      assert.deepEqual(
        receiver.received.map((webhook) => webhook.at - startTime),
        expectedTimes,
      );
      assert.deepEqual(
        receiver.received.map((webhook) => webhook.headers["x-aig-attempt"]),
        ["1", "2", "3", "4", "5", "6"],
      );
      await assertAllSigned();

      clock.advance(7 * 86_400_000);
      await opened.gateway.webhooks.deliverDue();
      assert.equal(receiver.received.length, 6, "no seventh attempt");
      const listed = await opened.call("GET", `/v1/webhooks/deliveries/${deliveries[0]?.id}`);
      assert.equal(listed.body.status, "failed");
      assert.equal(listed.body.attempt_count, 6);
      assert.equal(listed.body.max_attempts, 6);
      assert.equal(listed.body.next_attempt_at, null);
      assert.equal(listed.body.last_status_code, 500);
      assert.equal(listed.body.attempts.length, 6);
      const failed = await opened.call("GET", "/v1/webhooks/deliveries?status=failed");
      assert.deepEqual(
        failed.body.data.map((delivery: { id: string }) => delivery.id),
        [deliveries[0]?.id],
      );
    });

    test("a restart in the middle of the schedule resumes the same delivery id from the database", async () => {
      const clock = createClock();
      const database = await backend.createDatabase();
      const receiver = await startReceiver(clock.now);
      cleanups.push(() => receiver.close());
      receiver.respondWith(500);

      const first = await openGateway(database, clock);
      const endpoint = await first.call("POST", "/v1/webhooks/endpoints", {
        url: receiver.url,
        events: ["*"],
      });
      assert.equal(endpoint.status, 201);
      const { deliveries } = await first.gateway.webhooks.enqueueEvent({
        accountId: await ownerAccountId(first),
        type: "batch.completed",
        data: { batch_id: "batch_1", output_file_id: "file-1" },
      });
      await first.gateway.webhooks.deliverDue();
      assert.equal(receiver.received.length, 1);
      const secret = (await first.call("GET", "/v1/webhook-secret")).body.secret;
      await first.close();

      // Down past the retry time; the next process finds the delivery due and sends it at start.
      clock.advance(45_000);
      const second = await openGateway(database, clock);
      cleanups.push(() => second.close());
      await second.gateway.webhooks.deliverDue();
      assert.equal(receiver.received.length, 2);
      const [before, resumed] = receiver.received;
      assert.equal(resumed?.headers["x-aig-delivery-id"], deliveries[0]?.id);
      assert.equal(resumed?.headers["x-aig-delivery-id"], before?.headers["x-aig-delivery-id"]);
      assert.equal(resumed?.headers["x-aig-attempt"], "2");
      assert.equal(resumed?.body, before?.body);
      assert.equal((await second.call("GET", "/v1/webhook-secret")).body.secret, secret);
      for (const webhook of receiver.received) assert.ok(signatureMatches(secret, webhook));
      const listed = await second.call("GET", `/v1/webhooks/deliveries/${deliveries[0]?.id}`);
      assert.equal(listed.body.status, "succeeded");
      assert.equal(listed.body.attempt_count, 2);
    });

    test("two gateways on one database deliver each due delivery exactly once", async () => {
      const clock = createClock();
      const database = await backend.createDatabase();
      const receiver = await startReceiver(clock.now);
      const one = await openGateway(database, clock);
      const two = await openGateway(database, clock);
      cleanups.push(
        () => one.close(),
        () => two.close(),
        () => receiver.close(),
      );
      await one.call("POST", "/v1/webhooks/endpoints", { url: receiver.url });
      const accountId = await ownerAccountId(one);
      const ids: string[] = [];
      for (let index = 0; index < 45; index++) {
        const { deliveries } = await (index % 2 ? one : two).gateway.webhooks.enqueueEvent({
          accountId,
          type: "usage.threshold",
          data: { threshold_cents: index },
        });
        ids.push(...deliveries.map((delivery) => delivery.id));
      }
      await Promise.all([
        one.gateway.webhooks.deliverDue(),
        two.gateway.webhooks.deliverDue(),
        one.gateway.webhooks.deliverDue(),
        two.gateway.webhooks.deliverDue(),
      ]);
      const delivered = receiver.received.map((webhook) => String(webhook.headers["x-aig-delivery-id"]));
      assert.equal(delivered.length, 45);
      assert.deepEqual([...delivered].sort(), [...ids].sort());
    });

    test("the secret is created lazily, rotates at once by default, or signs with both during a grace period", async () => {
      const { clock, opened, receiver } = await setUp();
      const secret = await opened.call("GET", "/v1/webhook-secret");
      assert.equal(secret.status, 200);
      assert.match(secret.body.secret, /^whsec_[\w-]{32}$/);
      assert.equal((await opened.call("GET", "/v1/webhook-secret")).body.secret, secret.body.secret);
      await opened.call("POST", "/v1/webhooks/endpoints", { url: receiver.url });
      const accountId = await ownerAccountId(opened);
      const send = async () => {
        await opened.gateway.webhooks.enqueueEvent({ accountId, type: "job.completed", data: {} });
        await opened.gateway.webhooks.deliverDue();
        const last = receiver.received.at(-1);
        assert.ok(last);
        return last;
      };

      const graceful = await opened.call("POST", "/v1/webhook-secret/rotate", { grace_period_seconds: 3600 });
      assert.equal(graceful.status, 200);
      assert.notEqual(graceful.body.secret, secret.body.secret);
      assert.equal(graceful.body.previous_secret_expires_at, startTime / 1000 + 3600);
      const during = await send();
      assert.equal(signatureValues(during).v1.length, 2);
      assert.ok(
        signatureMatches(secret.body.secret, during),
        "old secret still verifies during the grace period",
      );
      assert.ok(signatureMatches(graceful.body.secret, during));
      const lastV1 = signatureValues(during).v1.at(-1);
      assert.equal(
        lastV1,
        createHmac("sha256", graceful.body.secret)
          .update(`${signatureValues(during).t}.${during.body}`)
          .digest("hex"),
        "the current secret signs last",
      );

      clock.advance(3_600_000);
      const afterGrace = await send();
      assert.equal(signatureValues(afterGrace).v1.length, 1);
      assert.ok(!signatureMatches(secret.body.secret, afterGrace));
      assert.ok(signatureMatches(graceful.body.secret, afterGrace));
      assert.equal((await opened.call("GET", "/v1/webhook-secret")).body.previous_secret_expires_at, null);

      // The published SDKs call rotate without a body: the old secret dies at once.
      const response = await fetch(`${opened.baseUrl}/v1/webhook-secret/rotate`, {
        method: "POST",
        headers: { authorization: `Bearer ${ownerKey}` },
      });
      const immediate = (await response.json()) as { secret: string; previous_secret_expires_at: null };
      assert.equal(response.status, 200);
      assert.equal(immediate.previous_secret_expires_at, null);
      const afterImmediate = await send();
      assert.equal(signatureValues(afterImmediate).v1.length, 1);
      assert.ok(!signatureMatches(graceful.body.secret, afterImmediate));
      assert.ok(signatureMatches(immediate.secret, afterImmediate));

      const invalid = await opened.call("POST", "/v1/webhook-secret/rotate", { grace_period_seconds: -1 });
      assert.equal(invalid.status, 400);
      assert.equal(invalid.body.error.param, "grace_period_seconds");
      const member = await opened.call("POST", "/v1/keys", { role: "member" });
      const denied = await opened.call("POST", "/v1/webhook-secret/rotate", undefined, member.body.key);
      assert.equal(denied.status, 403);
      const readable = await opened.call("GET", "/v1/webhook-secret", undefined, member.body.key);
      assert.equal(readable.body.secret, immediate.secret, "a member key can read the secret to verify");
    });

    test("endpoints: validated, listed, fetched, deleted; deleting cancels pending deliveries", async () => {
      const { opened, receiver } = await setUp();
      const badEvent = await opened.call("POST", "/v1/webhooks/endpoints", {
        url: receiver.url,
        events: ["job.done"],
      });
      assert.equal(badEvent.status, 400);
      assert.equal(badEvent.body.error.param, "events.0");
      const noUrl = await opened.call("POST", "/v1/webhooks/endpoints", { events: ["*"] });
      assert.equal(noUrl.status, 400);
      assert.equal(noUrl.body.error.param, "url");
      const extra = await opened.call("POST", "/v1/webhooks/endpoints", { url: receiver.url, secret: "x" });
      assert.equal(extra.status, 400);
      const notUrl = await opened.call("POST", "/v1/webhooks/endpoints", { url: "not a url" });
      assert.equal(notUrl.status, 400);
      assert.equal(notUrl.body.error.param, "url");
      const ftp = await opened.call("POST", "/v1/webhooks/endpoints", { url: "ftp://example.com/hook" });
      assert.equal(ftp.status, 400);
      const credentials = await opened.call("POST", "/v1/webhooks/endpoints", {
        url: "https://user:pw@example.com/",
      });
      assert.equal(credentials.status, 400);

      const created = await opened.call("POST", "/v1/webhooks/endpoints", {
        url: receiver.url,
        description: "all",
      });
      assert.equal(created.status, 201);
      assert.deepEqual(created.body.events, ["*"]);
      assert.equal(created.body.object, "webhook_endpoint");
      assert.equal(created.body.description, "all");
      const listed = await opened.call("GET", "/v1/webhooks/endpoints");
      assert.deepEqual(listed.body, { object: "list", data: [created.body] });
      assert.deepEqual(
        (await opened.call("GET", `/v1/webhooks/endpoints/${created.body.id}`)).body,
        created.body,
      );

      receiver.respondWith(500);
      await opened.gateway.webhooks.enqueueEvent({
        accountId: await ownerAccountId(opened),
        type: "job.completed",
        data: {},
      });
      await opened.gateway.webhooks.deliverDue();
      const deleted = await opened.call("DELETE", `/v1/webhooks/endpoints/${created.body.id}`);
      assert.deepEqual(deleted.body, { id: created.body.id, object: "webhook_endpoint", deleted: true });
      assert.equal((await opened.call("GET", `/v1/webhooks/endpoints/${created.body.id}`)).status, 404);
      assert.equal((await opened.call("DELETE", `/v1/webhooks/endpoints/${created.body.id}`)).status, 404);
      const [cancelled] = (await opened.call("GET", "/v1/webhooks/deliveries")).body.data;
      assert.equal(cancelled?.status, "cancelled");

      const member = await opened.call("POST", "/v1/keys", { role: "member" });
      const denied = await opened.call(
        "POST",
        "/v1/webhooks/endpoints",
        { url: receiver.url },
        member.body.key,
      );
      assert.equal(denied.status, 403);
    });

    test("another account's endpoints and deliveries are invisible: 404, never someone else's data", async () => {
      const { opened, receiver } = await setUp();
      const endpoint = await opened.call("POST", "/v1/webhooks/endpoints", { url: receiver.url });
      const { deliveries } = await opened.gateway.webhooks.enqueueEvent({
        accountId: await ownerAccountId(opened),
        type: "job.completed",
        data: {},
      });
      const deliveryId = deliveries[0]?.id;
      await opened.gateway.storage.accounts.insertAccount({
        id: "acct_other",
        name: "other",
        createdAt: startTime,
      });
      const other = await opened.gateway.keys.mintKey("acct_other", "other owner", "owner");
      const key = other.plaintext;

      assert.equal(
        (await opened.call("GET", `/v1/webhooks/deliveries/${deliveryId}`, undefined, key)).status,
        404,
      );
      const redeliver = await opened.call(
        "POST",
        `/v1/webhooks/deliveries/${deliveryId}/redeliver`,
        undefined,
        key,
      );
      assert.equal(redeliver.status, 404);
      assert.equal(redeliver.body.error.type, "not_found_error");
      assert.equal(
        (await opened.call("GET", `/v1/webhooks/endpoints/${endpoint.body.id}`, undefined, key)).status,
        404,
      );
      assert.equal(
        (await opened.call("DELETE", `/v1/webhooks/endpoints/${endpoint.body.id}`, undefined, key)).status,
        404,
      );
      assert.deepEqual((await opened.call("GET", "/v1/webhooks/deliveries", undefined, key)).body.data, []);
      assert.deepEqual((await opened.call("GET", "/v1/webhooks/endpoints", undefined, key)).body.data, []);
      assert.notEqual(
        (await opened.call("GET", "/v1/webhook-secret", undefined, key)).body.secret,
        (await opened.call("GET", "/v1/webhook-secret")).body.secret,
        "each account signs with its own secret",
      );
      // Still there for its owner.
      assert.equal((await opened.call("GET", `/v1/webhooks/deliveries/${deliveryId}`)).status, 200);
    });

    test("redeliver sends the same event again under a new delivery id with a fresh schedule", async () => {
      const { opened, receiver, assertAllSigned } = await setUp();
      await opened.call("POST", "/v1/webhooks/endpoints", { url: receiver.url, events: ["job.completed"] });
      const { deliveries } = await opened.gateway.webhooks.enqueueEvent({
        accountId: await ownerAccountId(opened),
        type: "job.completed",
        data: { job_id: "job_9" },
      });
      await opened.gateway.webhooks.deliverDue();
      const again = await opened.call("POST", `/v1/webhooks/deliveries/${deliveries[0]?.id}/redeliver`);
      assert.equal(again.status, 201);
      assert.notEqual(again.body.id, deliveries[0]?.id);
      assert.equal(again.body.redelivery_of, deliveries[0]?.id);
      assert.equal(again.body.status, "pending");
      await opened.gateway.webhooks.deliverDue();
      assert.equal(receiver.received.length, 2);
      assert.equal(receiver.received[1]?.headers["x-aig-delivery-id"], again.body.id);
      assert.equal(receiver.received[1]?.headers["x-aig-attempt"], "1");
      assert.equal(receiver.received[1]?.body, receiver.received[0]?.body);
      await assertAllSigned();
      const filtered = await opened.call(
        "GET",
        `/v1/webhooks/deliveries?event_id=${(JSON.parse(receiver.received[0]?.body ?? "{}") as WebhookPayload).id}`,
      );
      assert.equal(filtered.body.data.length, 2);
      assert.equal((await opened.call("GET", "/v1/webhooks/deliveries?limit=0")).status, 400);
      assert.equal((await opened.call("POST", "/v1/webhooks/deliveries/whd_nope/redeliver")).status, 404);
    });

    test("SSRF: private, loopback, link-local, CGNAT, metadata and IPv6 local targets are refused unless allowed", async () => {
      const { opened, receiver } = await setUp({ allowPrivate: false });
      const refused = [
        receiver.url,
        `http://localhost:${receiver.port}/hooks`,
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.5/hook",
        "http://172.20.1.1/hook",
        "http://192.168.0.10/hook",
        "http://100.64.1.1/hook",
        "http://[::1]/hook",
        "http://[fd00::1]/hook",
        "http://[fe80::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://224.0.0.1/hook",
        "http://0.0.0.0/hook",
        "http://2130706433/hook",
      ];
      for (const url of refused) {
        const response = await opened.call("POST", "/v1/webhooks/endpoints", { url });
        assert.equal(response.status, 400, url);
        assert.equal(response.body.error.param, "url");
        assert.match(response.body.error.message, /publicly reachable/, url);
      }
      await assert.rejects(opened.gateway.webhooks.checkWebhookUrl(receiver.url), /publicly reachable/);
      assert.deepEqual((await opened.call("GET", "/v1/webhooks/endpoints")).body.data, []);

      // A per-request URL that skipped the check is still refused when the delivery is attempted.
      const { deliveries } = await opened.gateway.webhooks.enqueueEvent({
        accountId: await ownerAccountId(opened),
        type: "job.completed",
        data: {},
        webhookUrl: receiver.url,
      });
      await opened.gateway.webhooks.deliverDue();
      assert.equal(receiver.received.length, 0);
      const listed = await opened.call("GET", `/v1/webhooks/deliveries/${deliveries[0]?.id}`);
      assert.match(listed.body.last_error, /refused: 127\.0\.0\.1 is a loopback address/);
      assert.equal(listed.body.last_status_code, null);
    });

    test("SSRF: a host that resolves publicly at registration but privately at delivery (rebinding) is refused", async () => {
      let answer = "93.184.216.34";
      const resolveHost: ResolveHost = async (hostname) => {
        if (hostname !== "hooks.rebind.test")
          throw Object.assign(new Error("ENOTFOUND"), { code: "ENOTFOUND" });
        return [{ address: answer, family: 4 }];
      };
      const { opened, receiver } = await setUp({ allowPrivate: false, resolveHost });
      const url = `http://hooks.rebind.test:${receiver.port}/hooks`;
      const created = await opened.call("POST", "/v1/webhooks/endpoints", { url });
      assert.equal(created.status, 201);
      const unresolvable = await opened.call("POST", "/v1/webhooks/endpoints", {
        url: "https://nowhere.test/x",
      });
      assert.equal(unresolvable.status, 400);
      assert.match(unresolvable.body.error.message, /does not resolve/);

      answer = "127.0.0.1";
      const { deliveries } = await opened.gateway.webhooks.enqueueEvent({
        accountId: await ownerAccountId(opened),
        type: "job.completed",
        data: {},
      });
      await opened.gateway.webhooks.deliverDue();
      assert.equal(receiver.received.length, 0, "the rebound address is never connected to");
      const listed = await opened.call("GET", `/v1/webhooks/deliveries/${deliveries[0]?.id}`);
      assert.equal(listed.body.status, "pending");
      assert.match(
        listed.body.last_error,
        /refused: hooks\.rebind\.test resolves to 127\.0\.0\.1, a loopback address/,
      );
    });
  });
}

webhookSuite(sqliteBackend);

const databaseUrl = process.env.DATABASE_URL;
if (databaseUrl) {
  webhookSuite(postgresBackend(databaseUrl));
} else {
  describe(
    "webhooks over PostgreSQL",
    { skip: "DATABASE_URL not set: PostgreSQL webhook tests skipped" },
    () => {},
  );
}
