// Durability: the gateway is SIGKILLed in the middle of a batch and of a job, then started again on
// the same database (a SQLite file, and a PostgreSQL schema when DATABASE_URL is set). Both finish; every line and the job are charged exactly once (summed from the
// usage log); each finished job and batch has exactly one event and one delivery in the outbox.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import OpenAI from "openai";
import { chatBatchLines, submitChatBatch, waitForCompletedBatch } from "./support/chat-batch.ts";
import { startFakeJobUpstreams, type FakeJobUpstreams } from "./support/fake-job-upstreams.ts";
import { replyWithJsonFixture, startFakeUpstream, type FakeUpstream } from "./support/fake-upstream.ts";
import { fixturesMissing } from "./support/fixtures.ts";
import { createLogReader } from "./support/line-reader.ts";
import { pricedCompletionNanodollars, writePricedModelConfig } from "./support/priced-test-model.ts";
import { testOwnerKey } from "./support/start-test-gateway.ts";
import {
  readPostgresSchema,
  readSqliteFile,
  type TestDatabaseReader,
} from "./support/test-database-reader.ts";
import { waitFor } from "./support/wait-for.ts";
import { PostgresTestSchemas } from "./storage/postgres-test-schemas.ts";

const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));
const batchLines = 5;
const databaseUrl = process.env.DATABASE_URL;
const schemas = new PostgresTestSchemas(databaseUrl ?? "");

/** Where both gateway processes keep their state: the child's env and a reader for the checks. */
interface RestartBackend {
  name: string;
  skip: string | false;
  open(dataDir: string): Promise<{ env: Record<string, string>; reader: TestDatabaseReader }>;
}

const backends: RestartBackend[] = [
  {
    name: "SQLite",
    skip: false,
    open: async (dataDir) => ({ env: {}, reader: readSqliteFile(join(dataDir, "aigateway.db")) }),
  },
  {
    name: "PostgreSQL",
    skip: databaseUrl ? false : "DATABASE_URL not set: PostgreSQL restart run skipped",
    async open() {
      const url = await schemas.create();
      return { env: { DATABASE_URL: url }, reader: readPostgresSchema(url) };
    },
  },
];

after(() => schemas.dropAll());

for (const backend of backends) {
  describe(
    `jobs and batches survive SIGKILL on ${backend.name}`,
    { skip: fixturesMissing || backend.skip },
    () => {
      let chatUpstream: FakeUpstream;
      let jobUpstreams: FakeJobUpstreams;
      let receiver: Server;
      let receiverUrl = "";
      const deliveryIds: string[] = [];
      let answered = 0;
      let holdChat: Promise<void> | undefined;
      let releaseChat: () => void = () => undefined;
      const dataDir = mkdtempSync(join(tmpdir(), "aig-restart-"));
      const configPath = writePricedModelConfig();
      let backendEnv: Record<string, string> = {};
      let reader: TestDatabaseReader;

      before(async () => {
        ({ env: backendEnv, reader } = await backend.open(dataDir));
        chatUpstream = await startFakeUpstream(async () => {
          // The first two lines answer; the third hangs until the gateway is killed under it.
          answered += 1;
          if (answered > 2 && holdChat) await holdChat;
          return replyWithJsonFixture("openai/chat-completion-text.json");
        });
        jobUpstreams = await startFakeJobUpstreams();
        receiver = createServer((request, response) => {
          const id = request.headers["x-aig-delivery-id"];
          if (typeof id === "string") deliveryIds.push(id);
          request.resume();
          response.writeHead(200).end("ok");
        });
        receiver.listen(0, "127.0.0.1");
        await once(receiver, "listening");
        receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
      });
      after(async () => {
        releaseChat();
        await chatUpstream.close();
        await jobUpstreams.close();
        receiver.closeAllConnections();
        receiver.close();
        await reader.close();
      });

      async function startChild(): Promise<{ child: ChildProcess; client: OpenAI; baseUrl: string }> {
        const child = spawn(process.execPath, [main], {
          env: {
            ...backendEnv,
            PATH: process.env.PATH,
            HOST: "127.0.0.1",
            PORT: "0",
            AIG_DATA_DIR: dataDir,
            AIG_ADMIN_KEY: testOwnerKey,
            AIG_CONFIG: configPath,
            OPENAI_API_KEY: "test",
            OPENAI_BASE_URL: chatUpstream.baseUrl,
            FAL_KEY: "fal-test-key",
            FAL_BASE_URL: jobUpstreams.baseUrl,
            AIG_WEBHOOK_ALLOW_PRIVATE: "true",
            AIG_WEBHOOK_POLL_INTERVAL_MS: "50",
            AIG_JOB_WORKERS: "1",
            AIG_JOB_POLL_INTERVAL_MS: "25",
            AIG_JOB_UPSTREAM_POLL_MS: "10",
            // A killed worker's job and line are free again after this.
            AIG_JOB_LEASE_MS: "1000",
          },
          stdio: ["ignore", "pipe", "inherit"],
        });
        const log = createLogReader(child.stdout);
        const { address } = (await log.waitFor("aigateway listening")) as { address: string };
        return {
          child,
          baseUrl: address,
          client: new OpenAI({ apiKey: testOwnerKey, baseURL: `${address}/v1`, maxRetries: 0 }),
        };
      }

      const query = <T>(sql: string): Promise<T[]> => reader.query<T>(sql);

      it(
        "finishes both after a restart and charges each line and the job once",
        { timeout: 60_000 },
        async () => {
          holdChat = new Promise<void>((resolve) => {
            releaseChat = resolve;
          });
          jobUpstreams.holdQueue = true;
          const first = await startChild();

          // A job that is running upstream (held in fal's queue) when the gateway dies.
          const submitted = await fetch(`${first.baseUrl}/v1/videos/generations`, {
            method: "POST",
            headers: { authorization: `Bearer ${testOwnerKey}`, "content-type": "application/json" },
            body: JSON.stringify({
              model: "kuaishou/kling-2.5-turbo-pro",
              prompt: "survive",
              duration: 5,
              webhook_url: receiverUrl,
            }),
          });
          assert.equal(submitted.status, 202);
          const job = (await submitted.json()) as { id: string };

          // A batch whose third line is in flight when the gateway dies.
          const lines = chatBatchLines(batchLines);
          const batch = await submitChatBatch(first.client, lines);
          await waitFor(() => (chatUpstream.requests.length >= 3 ? true : undefined));
          await waitFor(async () =>
            (
              await query<{ count: number }>(`SELECT COUNT(*) AS count FROM jobs WHERE upstream IS NOT NULL`)
            )[0]?.count === 1
              ? true
              : undefined,
          );
          const finishedBefore = (
            await query<{ count: number }>(
              `SELECT COUNT(*) AS count FROM batch_lines WHERE status = 'succeeded'`,
            )
          )[0]?.count;
          assert.equal(finishedBefore, 2);

          const exited = once(first.child, "exit");
          first.child.kill("SIGKILL");
          await exited;
          releaseChat();
          holdChat = undefined;
          jobUpstreams.holdQueue = false;

          const second = await startChild();
          try {
            const done = await waitForCompletedBatch(second.client, batch.id);
            assert.deepEqual(done.batch.request_counts, {
              total: batchLines,
              completed: batchLines,
              failed: 0,
            });
            assert.deepEqual(
              done.outputCustomIds,
              lines.map((_, index) => `line-${index}`),
            );

            const finishedJob = await waitFor(async () => {
              const response = await fetch(`${second.baseUrl}/v1/jobs/${job.id}`, {
                headers: { authorization: `Bearer ${testOwnerKey}` },
              });
              const body = (await response.json()) as { status: string; result_url: string | null };
              return body.status === "completed" || body.status === "failed" ? body : undefined;
            });
            assert.equal(finishedJob.status, "completed");

            // The third line reached the upstream twice (once per process) but is charged once.
            assert.equal(chatUpstream.requests.length, batchLines + 1);
            const lineCharges = (
              await query<{ count: number; total: number }>(
                `SELECT COUNT(*) AS count, SUM(cost_nanodollars) AS total FROM usage_log WHERE request_id LIKE 'batch_req_%'`,
              )
            )[0];
            assert.equal(lineCharges?.count, batchLines);
            assert.equal(lineCharges?.total, (batchLines * pricedCompletionNanodollars) / 2);
            const jobCharges = (
              await query<{ count: number; total: number }>(
                `SELECT COUNT(*) AS count, SUM(cost_nanodollars) AS total FROM usage_log WHERE request_id = '${job.id}'`,
              )
            )[0];
            assert.deepEqual({ ...jobCharges }, { count: 1, total: 350_000_000 });

            // One event and one delivery for the job; its delivery id is the one the receiver saw.
            const deliveries = await waitFor(async () => {
              const rows = await query<{ id: string; status: string; event_type: string }>(
                `SELECT id, status, event_type FROM webhook_deliveries WHERE event_type = 'job.completed'`,
              );
              return rows.length === 1 && rows[0]?.status === "succeeded" ? rows : undefined;
            });
            assert.deepEqual(deliveryIds, [deliveries[0]?.id]);
            const events = await query<{ type: string; count: number }>(
              `SELECT type, COUNT(*) AS count FROM events WHERE type IN ('job.completed', 'batch.completed') GROUP BY type ORDER BY type`,
            );
            assert.deepEqual(
              events.map((row) => ({ ...row })),
              [
                { type: "batch.completed", count: 1 },
                { type: "job.completed", count: 1 },
              ],
            );
          } finally {
            const exited = once(second.child, "exit");
            second.child.kill("SIGTERM");
            await exited;
          }
        },
      );
    },
  );
}
