// Two gateway replicas on one PostgreSQL schema, workers on, race to claim the same jobs and batch
// lines. The fakes hold the first requests until both replicas have a full set in flight at once, so
// the claims provably overlap; leases do not expire during the test, so every job and every line must
// reach its upstream exactly once and be charged exactly once (summed from the usage log).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LoopTimers } from "../src/jobs/poll-loop.ts";
import { createBarrier } from "./support/barrier.ts";
import { callApi } from "./support/call-api.ts";
import { chatBatchLines, submitChatBatch, waitForCompletedBatch } from "./support/chat-batch.ts";
import { startFakeJobUpstreams, type FakeJobUpstreams } from "./support/fake-job-upstreams.ts";
import { replyWithJsonFixture, startFakeUpstream, type FakeUpstream } from "./support/fake-upstream.ts";
import { fixturesMissing } from "./support/fixtures.ts";
import { pricedCompletionNanodollars, writePricedModelConfig } from "./support/priced-test-model.ts";
import { startTestGateway, type TestGateway } from "./support/start-test-gateway.ts";
import { readPostgresSchema, type TestDatabaseReader } from "./support/test-database-reader.ts";
import { waitFor } from "./support/wait-for.ts";
import { PostgresTestSchemas } from "./storage/postgres-test-schemas.ts";

const databaseUrl = process.env.DATABASE_URL;
const workersPerReplica = 3;
const jobCount = 8;
const lineCount = 12;
// kuaishou/kling-2.5-turbo-pro for 5 s.
const jobNanodollars = 350_000_000;
const skipWithoutPostgres =
  fixturesMissing || (databaseUrl ? false : "DATABASE_URL not set: PostgreSQL replica race tests skipped");

/** What both replicas share: the schema, the file directory and test/priced behind the chat fake. */
function sharedReplicaEnv(schemaUrl: string, chatUpstream: FakeUpstream): Record<string, string> {
  return {
    DATABASE_URL: schemaUrl,
    // Files (the batch input, job results, batch outputs) are read by whichever replica works.
    AIG_DATA_DIR: mkdtempSync(join(tmpdir(), "aig-replicas-")),
    AIG_CONFIG: writePricedModelConfig(),
    OPENAI_BASE_URL: chatUpstream.baseUrl,
  };
}

/** Worker timers fired by hand: a lease heartbeat beats only when the test says so. */
function createManualTimers(): LoopTimers & { fire(): void; pending(): number } {
  const callbacks = new Map<number, () => void>();
  let next = 0;
  return {
    setTimeout(callback) {
      next += 1;
      callbacks.set(next, callback);
      return next;
    },
    clearTimeout: (handle) => callbacks.delete(handle as number),
    fire() {
      const due = [...callbacks.values()];
      callbacks.clear();
      for (const callback of due) callback();
    },
    pending: () => callbacks.size,
  };
}

describe("two replicas racing for jobs and batch lines on PostgreSQL", { skip: skipWithoutPostgres }, () => {
  const schemas = new PostgresTestSchemas(databaseUrl ?? "");
  let chatUpstream: FakeUpstream;
  let jobUpstreams: FakeJobUpstreams;
  let replicas: TestGateway[] = [];
  let reader: TestDatabaseReader;
  // Each replica holds at most `workersPerReplica` of each in flight, so twice that at once means
  // both replicas claimed work at the same time.
  const lineBarrier = createBarrier(2 * workersPerReplica);
  const submitBarrier = createBarrier(2 * workersPerReplica);

  before(async () => {
    chatUpstream = await startFakeUpstream(async () => {
      await lineBarrier.arrive();
      return replyWithJsonFixture("openai/chat-completion-text.json");
    });
    jobUpstreams = await startFakeJobUpstreams();
    jobUpstreams.beforeSubmit = () => submitBarrier.arrive();
    const url = await schemas.create();
    reader = readPostgresSchema(url);
    const env = {
      ...sharedReplicaEnv(url, chatUpstream),
      FAL_KEY: "fal-test-key",
      FAL_BASE_URL: jobUpstreams.baseUrl,
      AIG_JOB_WORKERS: String(workersPerReplica),
      AIG_JOB_POLL_INTERVAL_MS: "10",
      AIG_JOB_UPSTREAM_POLL_MS: "10",
      // Far longer than the test: no lease expires, so nothing may legitimately run twice.
      AIG_JOB_LEASE_MS: "600000",
    };
    // Each replica has its own provider key, so the chat upstream can tell who sent a line.
    replicas = await Promise.all(
      [0, 1].map((index) => startTestGateway({ ...env, OPENAI_API_KEY: `replica-${index}` })),
    );
  });
  after(async () => {
    for (const replica of replicas) await replica.close();
    await chatUpstream.close();
    await jobUpstreams.close();
    await reader.close();
    await schemas.dropAll();
  });

  it("runs and charges each job and each line exactly once", { timeout: 30_000 }, async () => {
    const [first, second] = replicas;
    assert.ok(first && second);

    const jobIds: string[] = [];
    for (let index = 0; index < jobCount; index++) {
      const replica: TestGateway = index % 2 === 0 ? first : second;
      const submitted = await callApi<{ id: string }>(
        replica.baseUrl,
        replica.ownerKey,
        "POST",
        "/v1/videos/generations",
        { model: "kuaishou/kling-2.5-turbo-pro", prompt: `race ${index}`, duration: 5 },
      );
      assert.equal(submitted.status, 202);
      jobIds.push(submitted.body.id);
    }
    const lines = chatBatchLines(lineCount);
    const batch = await submitChatBatch(first.openai, lines);

    const done = await waitForCompletedBatch(second.openai, batch.id);
    assert.deepEqual(done.batch.request_counts, { total: lineCount, completed: lineCount, failed: 0 });
    assert.deepEqual(
      done.outputCustomIds,
      lines.map((_, index) => `line-${index}`),
    );
    for (const [index, id] of jobIds.entries()) {
      const replica: TestGateway = index % 2 === 0 ? second : first;
      const job = await waitFor(async () => {
        const { body } = await callApi<{ status: string }>(
          replica.baseUrl,
          replica.ownerKey,
          "GET",
          `/v1/jobs/${id}`,
        );
        return body.status === "queued" || body.status === "running" ? undefined : body;
      });
      assert.equal(job.status, "completed", id);
    }

    // Each line reached the chat upstream once, and both replicas sent some.
    const sentLines = chatUpstream.requests.map((request) => {
      const messages = request.body.messages as { content: string }[];
      return messages[0]?.content;
    });
    assert.deepEqual(sentLines.toSorted(), lines.map((_, index) => `line ${index}`).toSorted());
    const senders = new Set(chatUpstream.requests.map((request) => request.headers.authorization));
    assert.deepEqual([...senders].toSorted(), ["Bearer replica-0", "Bearer replica-1"]);

    // Each job was submitted once and its result fetched once.
    const submits = jobUpstreams.requests.filter(
      (request) => request.method === "POST" && request.path.startsWith("/v1/fal-ai/"),
    );
    assert.deepEqual(
      submits.map((request) => (JSON.parse(request.body) as { prompt: string }).prompt).toSorted(),
      jobIds.map((_, index) => `race ${index}`).toSorted(),
    );
    const results = jobUpstreams.requests
      .filter(
        (request) => request.method === "GET" && /^\/v1\/fal-ai\/app\/requests\/[\w-]+$/.test(request.path),
      )
      .map((request) => request.path);
    assert.equal(results.length, jobCount);
    assert.equal(new Set(results).size, jobCount);

    // Charged exactly once each: one usage row per job and per line, summing to the exact prices.
    const charges = await reader.query<{ kind: string; rows: number; requests: number; total: number }>(
      `SELECT CASE WHEN request_id LIKE 'job_%' THEN 'job' ELSE 'line' END AS kind,
           COUNT(*) AS rows, COUNT(DISTINCT request_id) AS requests, SUM(cost_nanodollars) AS total
         FROM usage_log WHERE request_id LIKE 'job_%' OR request_id LIKE 'batch_req_%'
         GROUP BY kind ORDER BY kind`,
    );
    assert.deepEqual(
      charges.map((row) => ({ ...row })),
      [
        { kind: "job", rows: jobCount, requests: jobCount, total: jobCount * jobNanodollars },
        {
          kind: "line",
          rows: lineCount,
          requests: lineCount,
          total: (lineCount * pricedCompletionNanodollars) / 2,
        },
      ],
    );
    const jobCosts = await reader.query<{ id: string; cost: number }>(
      `SELECT id, cost_nanodollars AS cost FROM jobs ORDER BY id`,
    );
    assert.deepEqual(
      jobCosts.map((row) => row.cost),
      jobIds.map(() => jobNanodollars),
    );

    // Completed once: one event per job and one for the batch.
    // Written just after each job's completion commits, so possibly a moment after it reads completed.
    const events = await waitFor(async () => {
      const rows = await reader.query<{ type: string; count: number }>(
        `SELECT type, COUNT(*) AS count FROM events WHERE type IN ('job.completed', 'batch.completed')
           GROUP BY type ORDER BY type`,
      );
      return rows.reduce((total, row) => total + row.count, 0) >= jobCount + 1 ? rows : undefined;
    });
    assert.deepEqual(
      events.map((row) => ({ ...row })),
      [
        { type: "batch.completed", count: 1 },
        { type: "job.completed", count: jobCount },
      ],
    );
  });
});

describe("a batch line slower than its lease on PostgreSQL", { skip: skipWithoutPostgres }, () => {
  const schemas = new PostgresTestSchemas(databaseUrl ?? "");
  const leaseMs = 1_000;
  let clock = Date.now();
  const timers = createManualTimers();
  let chatUpstream: FakeUpstream;
  let replicas: TestGateway[] = [];
  let reader: TestDatabaseReader;
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });

  before(async () => {
    chatUpstream = await startFakeUpstream(async () => {
      await held;
      return replyWithJsonFixture("openai/chat-completion-text.json");
    });
    const url = await schemas.create();
    reader = readPostgresSchema(url);
    const env = {
      ...sharedReplicaEnv(url, chatUpstream),
      OPENAI_API_KEY: "test-key",
      OPENAI_BASE_URL: chatUpstream.baseUrl,
      AIG_JOB_LEASE_MS: String(leaseMs),
    };
    // Workers run only when the test calls runDue, on a clock it moves.
    const options = { now: () => clock, workers: { timers, start: false } };
    replicas = await Promise.all([startTestGateway(env, options), startTestGateway(env, options)]);
  });
  after(async () => {
    release();
    for (const replica of replicas) await replica.close();
    await chatUpstream.close();
    await reader.close();
    await schemas.dropAll();
  });

  it("keeps its lease while it runs, so the other replica does not send it again", async () => {
    const [first, second] = replicas;
    assert.ok(first && second);
    const batch = await submitChatBatch(first.openai, chatBatchLines(1));

    // The first replica validates the batch and sends its line, which the upstream holds.
    const firstPass = first.gateway.batches.worker.runDue();
    await waitFor(() => (chatUpstream.requests.length === 1 ? true : undefined));

    // Most of a lease later the heartbeat renews it; once renewed, it arms the next beat.
    clock += leaseMs * 0.9;
    assert.equal(timers.pending(), 1);
    timers.fire();
    await waitFor(() => (timers.pending() === 1 ? true : undefined));
    // Now past the lease as first granted: only the renewal keeps the line from the other replica.
    clock += leaseMs * 0.9;
    let decided = false;
    const sentAgain = waitFor(() =>
      decided || chatUpstream.requests.length > 1 ? ("sent again" as const) : undefined,
    );
    const outcome = await Promise.race([second.gateway.batches.worker.runDue(), sentAgain]);
    decided = true;
    assert.equal(outcome, 0, "the other replica claimed the line while it was still running");

    release();
    await firstPass;
    for (let pass = 0; pass < 5; pass++) await first.gateway.batches.worker.runDue();
    const finished = await first.openai.batches.retrieve(batch.id);
    assert.equal(finished.status, "completed");
    assert.deepEqual(finished.request_counts, { total: 1, completed: 1, failed: 0 });
    assert.equal(chatUpstream.requests.length, 1);
    const charges = await reader.query<{ rows: number; total: number }>(
      `SELECT COUNT(*) AS rows, SUM(cost_nanodollars) AS total FROM usage_log WHERE request_id LIKE 'batch_req_%'`,
    );
    assert.deepEqual({ ...charges[0] }, { rows: 1, total: pricedCompletionNanodollars / 2 });
  });
});
