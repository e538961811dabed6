// Async jobs end to end: submit over HTTP, the durable queue and worker, fake fal / Veo / Deepgram
// upstreams in their documented wire formats, results stored in our files, signed result URLs,
// webhooks, idempotency, cancel, ETag polling, and exactly one usage row per job.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  fakeVideoBytes,
  startFakeJobUpstreams,
  type FakeJobUpstreams,
} from "./support/fake-job-upstreams.ts";
import { startTestGateway, type TestGateway } from "./support/start-test-gateway.ts";
import { waitFor } from "./support/wait-for.ts";
import { PostgresTestSchemas } from "./storage/postgres-test-schemas.ts";

interface JobObject {
  id: string;
  object: string;
  status: string;
  modality: string;
  model: string;
  created_at: number;
  result_url: string | null;
  result: Record<string, unknown> | null;
  error: { code: string; message: string } | null;
  usage: { cost_cents: number };
}

interface ReceivedWebhook {
  headers: Record<string, string | string[] | undefined>;
  body: { id: string; type: string; data: Record<string, unknown> };
}

const databaseUrl = process.env.DATABASE_URL;
const backends = [
  { name: "SQLite", skip: false as string | false },
  {
    name: "PostgreSQL",
    skip: databaseUrl ? (false as const) : "DATABASE_URL not set: PostgreSQL run skipped",
  },
];

for (const backend of backends) {
  describe(`async jobs on ${backend.name}`, { skip: backend.skip }, () => {
    const schemas = new PostgresTestSchemas(databaseUrl ?? "");
    const backendEnv = async (): Promise<Record<string, string>> =>
      backend.name === "PostgreSQL" ? { DATABASE_URL: await schemas.create() } : {};

    let upstreams: FakeJobUpstreams;
    let gateway: TestGateway;
    let receiver: Server;
    let receiverUrl = "";
    const webhooks: ReceivedWebhook[] = [];

    before(async () => {
      upstreams = await startFakeJobUpstreams();
      receiver = createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on("data", (chunk: Buffer) => chunks.push(chunk));
        request.on("end", () => {
          webhooks.push({
            headers: request.headers,
            body: JSON.parse(Buffer.concat(chunks).toString()) as ReceivedWebhook["body"],
          });
          response.writeHead(200).end("ok");
        });
      });
      receiver.listen(0, "127.0.0.1");
      await once(receiver, "listening");
      receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
      gateway = await startTestGateway({
        ...(await backendEnv()),
        FAL_KEY: "fal-test-key",
        FAL_BASE_URL: upstreams.baseUrl,
        GEMINI_API_KEY: "gemini-test-key",
        GEMINI_BASE_URL: upstreams.baseUrl,
        DEEPGRAM_API_KEY: "deepgram-test-key",
        DEEPGRAM_BASE_URL: upstreams.baseUrl,
        AIG_WEBHOOK_ALLOW_PRIVATE: "true",
        AIG_WEBHOOK_POLL_INTERVAL_MS: "20",
        AIG_JOB_POLL_INTERVAL_MS: "20",
        AIG_JOB_UPSTREAM_POLL_MS: "10",
      });
    });
    after(async () => {
      await gateway.close();
      await schemas.dropAll();
      await upstreams.close();
      receiver.closeAllConnections();
      receiver.close();
    });

    async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
      const response = await fetch(`${gateway.baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${gateway.ownerKey}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return {
        status: response.status,
        headers: response.headers,
        body: (text ? JSON.parse(text) : null) as unknown,
      };
    }

    async function waitForStatus(id: string, statuses: readonly string[]): Promise<JobObject> {
      return waitFor(async () => {
        const { body } = await call("GET", `/v1/jobs/${id}`);
        const job = body as JobObject;
        return statuses.includes(job.status) ? job : undefined;
      });
    }

    async function usageRowsOf(id: string) {
      await gateway.gateway.usage.flush();
      return (await allUsage()).filter((row) => row.requestId === id);
    }

    async function allUsage() {
      const { body } = await call("GET", "/v1/usage/recent?limit=1000");
      return ((body as { data: { request_id: string; cost_cents: number }[] }).data ?? []).map((row) => ({
        requestId: row.request_id,
        costNanodollars: Math.round(row.cost_cents * 10_000_000),
      }));
    }

    it("runs a fal video job to completion, stores the file and signs its URL", async () => {
      const submitted = await call("POST", "/v1/videos/generations", {
        model: "kuaishou/kling-2.5-turbo-pro",
        prompt: "a lighthouse in a storm",
        duration: 5,
        webhook_url: receiverUrl,
      });
      assert.equal(submitted.status, 202);
      const queued = submitted.body as JobObject;
      assert.match(queued.id, /^job_/);
      assert.equal(queued.object, "job");
      assert.equal(queued.status, "queued");
      assert.equal(queued.modality, "video");
      assert.equal(queued.model, "kuaishou/kling-2.5-turbo-pro");
      assert.equal(typeof queued.created_at, "number");

      const done = await waitForStatus(queued.id, ["completed", "failed"]);
      assert.equal(done.status, "completed", JSON.stringify(done.error));
      assert.ok(done.result_url);
      assert.equal(done.result?.duration, 5);
      // $0.07 per second × 5 s.
      assert.equal(done.usage.cost_cents, 35);

      // The result is ours: downloadable without a key through the signed URL, not a provider link.
      assert.ok(done.result_url.startsWith(gateway.baseUrl));
      const download = await fetch(done.result_url);
      assert.equal(download.status, 200);
      assert.deepEqual(Buffer.from(await download.arrayBuffer()), fakeVideoBytes);

      // The submit carried fal's key and the prompt in fal's input shape.
      const submit = upstreams.requests.find(
        (request) => request.path === "/v1/fal-ai/kling-video/v2.5-turbo/pro/text-to-video",
      );
      assert.ok(submit);
      assert.deepEqual(JSON.parse(submit.body), { prompt: "a lighthouse in a storm", duration: "5" });

      const webhook = await waitFor(() => webhooks.find((hook) => hook.body.data.job_id === queued.id));
      assert.equal(webhook.body.type, "job.completed");
      assert.equal(webhook.headers["x-aig-event-type"], "job.completed");
      assert.ok(String(webhook.body.data.result_url).includes(`/v1/files/jobs/${queued.id}/`));

      const rows = await usageRowsOf(queued.id);
      assert.equal(rows.length, 1);
      assert.equal(rows[0]?.costNanodollars, 350_000_000);
    });

    it("answers 304 to a poll whose ETag still matches", async () => {
      const { body } = await call("POST", "/v1/videos/generations", {
        model: "kuaishou/kling-2.5-turbo-pro",
        prompt: "etag",
      });
      const job = await waitForStatus((body as JobObject).id, ["completed"]);
      const first = await call("GET", `/v1/jobs/${job.id}`);
      const etag = first.headers.get("etag");
      assert.ok(etag);
      const second = await call("GET", `/v1/jobs/${job.id}`, undefined, { "if-none-match": etag });
      assert.equal(second.status, 304);
    });

    it("runs a Veo job through the Gemini API's long-running operations", async () => {
      const { status, body } = await call("POST", "/v1/videos/generations", {
        model: "google/veo-3",
        prompt: "a cat surfing",
        duration: 8,
        aspect_ratio: "16:9",
      });
      assert.equal(status, 202);
      const done = await waitForStatus((body as JobObject).id, ["completed", "failed"]);
      assert.equal(done.status, "completed", JSON.stringify(done.error));
      assert.equal(done.usage.cost_cents, 320);
      const submit = upstreams.requests.find(
        (request) => request.path === "/v1/models/veo-3.0-generate-001:predictLongRunning",
      );
      assert.deepEqual(JSON.parse(submit?.body ?? "{}"), {
        instances: [{ prompt: "a cat surfing" }],
        parameters: { aspectRatio: "16:9", durationSeconds: 8 },
      });
      const file = await fetch(`${gateway.baseUrl}/v1/files/jobs/${done.id}/video.mp4`, {
        headers: { authorization: `Bearer ${gateway.ownerKey}` },
      });
      assert.equal(file.status, 200);
      assert.deepEqual(Buffer.from(await file.arrayBuffer()), fakeVideoBytes);
    });

    it("transcribes hosted audio as an async job", async () => {
      const { status, body } = await call("POST", "/v1/audio/transcriptions", {
        model: "deepgram/nova-3",
        audio_url: "https://example.com/talk.mp3",
        async: true,
      });
      assert.equal(status, 202);
      const done = await waitForStatus((body as JobObject).id, ["completed", "failed"]);
      assert.equal(done.status, "completed", JSON.stringify(done.error));
      assert.deepEqual(done.result?.transcript, { text: "hello from the fake deepgram" });
      // $0.0043 per minute × 1.5 minutes.
      assert.equal(done.usage.cost_cents, 0.645);
    });

    it("replays a job for the same Idempotency-Key and body, and refuses another body", async () => {
      const headers = { "idempotency-key": "video-once" };
      const request = { model: "kuaishou/kling-2.5-turbo-pro", prompt: "once" };
      const first = await call("POST", "/v1/videos/generations", request, headers);
      const again = await call("POST", "/v1/videos/generations", request, headers);
      assert.equal(first.status, 202);
      assert.equal(again.status, 202);
      assert.equal((again.body as JobObject).id, (first.body as JobObject).id);
      const other = await call("POST", "/v1/videos/generations", { ...request, prompt: "twice" }, headers);
      assert.equal(other.status, 409);
      assert.equal((other.body as { error: { type: string } }).error.type, "conflict_error");
    });

    it("fails a job the upstream failed, with an error and no charge", async () => {
      upstreams.falError = "NSFW content detected";
      try {
        const { body } = await call("POST", "/v1/videos/generations", {
          model: "kuaishou/kling-2.5-turbo-pro",
          prompt: "fails",
          webhook_url: receiverUrl,
        });
        const done = await waitForStatus((body as JobObject).id, ["completed", "failed"]);
        assert.equal(done.status, "failed");
        assert.equal(done.error?.code, "generation_failed");
        assert.match(done.error?.message ?? "", /NSFW/);
        assert.equal(done.usage.cost_cents, 0);
        assert.equal(done.result_url, null);
        const webhook = await waitFor(() => webhooks.find((hook) => hook.body.data.job_id === done.id));
        assert.equal(webhook.body.type, "job.failed");
      } finally {
        upstreams.falError = undefined;
      }
    });

    it("cancels a queued or running job by DELETE and POST …/cancel; a finished job is a 409", async () => {
      upstreams.holdQueue = true;
      try {
        const { body } = await call("POST", "/v1/videos/generations", {
          model: "kuaishou/kling-2.5-turbo-pro",
          prompt: "never mind",
        });
        const id = (body as JobObject).id;
        const cancelled = await call("DELETE", `/v1/jobs/${id}`);
        assert.equal(cancelled.status, 200);
        assert.equal((cancelled.body as JobObject).status, "cancelled");
        const again = await call("POST", `/v1/jobs/${id}/cancel`);
        assert.equal(again.status, 200);
        assert.equal((again.body as JobObject).status, "cancelled");
      } finally {
        upstreams.holdQueue = false;
      }
      const { body } = await call("POST", "/v1/videos/generations", {
        model: "kuaishou/kling-2.5-turbo-pro",
        prompt: "done",
      });
      const done = await waitForStatus((body as JobObject).id, ["completed"]);
      const late = await call("POST", `/v1/jobs/${done.id}/cancel`);
      assert.equal(late.status, 409);
    });

    it("gives clear 4xx answers to bad submissions and unknown jobs", async () => {
      const missingPrompt = await call("POST", "/v1/videos/generations", { model: "google/veo-3" });
      assert.equal(missingPrompt.status, 400);
      const unknownModel = await call("POST", "/v1/videos/generations", { model: "nope/nope", prompt: "x" });
      assert.equal(unknownModel.status, 404);
      const wrongModality = await call("POST", "/v1/audio/music", { model: "google/veo-3", prompt: "x" });
      assert.equal(wrongModality.status, 400);
      const badWebhook = await call("POST", "/v1/videos/generations", {
        model: "google/veo-3",
        prompt: "x",
        webhook_url: "ftp://example.com/hook",
      });
      assert.equal(badWebhook.status, 400);
      assert.equal((badWebhook.body as { error: { param: string } }).error.param, "webhook_url");
      const syncTranscription = await call("POST", "/v1/audio/transcriptions", { model: "deepgram/nova-3" });
      assert.equal(syncTranscription.status, 400);
      const missing = await call("GET", "/v1/jobs/job_doesnotexist");
      assert.equal(missing.status, 404);
      const noKey = await fetch(`${gateway.baseUrl}/v1/jobs/job_x`);
      assert.equal(noKey.status, 401);
    });
  });
}
