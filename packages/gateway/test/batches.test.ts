// OpenAI's Batch API driven by the official openai SDK: files.create → batches.create →
// batches.retrieve until completed → files.content of the output, with per-line usage, the batch
// discount, caps, the error file, cancel, and the batch.completed event.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import OpenAI, { toFile } from "openai";
import { replyWithJsonFixture, startFakeUpstream, type FakeUpstream } from "./support/fake-upstream.ts";
import { fixturesMissing } from "./support/fixtures.ts";
import { pricedCompletionNanodollars, writePricedModelConfig } from "./support/priced-test-model.ts";
import { startTestGateway, type TestGateway } from "./support/start-test-gateway.ts";
import { waitFor } from "./support/wait-for.ts";
import { PostgresTestSchemas } from "./storage/postgres-test-schemas.ts";

function chatLine(customId: string, model = "test/priced"): string {
  return JSON.stringify({
    custom_id: customId,
    method: "POST",
    url: "/v1/chat/completions",
    body: { model, messages: [{ role: "user", content: `hello ${customId}` }], max_tokens: 400 },
  });
}

async function waitForBatch(client: OpenAI, id: string, statuses: readonly string[]) {
  return waitFor(async () => {
    const batch = await client.batches.retrieve(id);
    return statuses.includes(batch.status) ? batch : undefined;
  });
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
  describe(
    `batches through the openai SDK on ${backend.name}`,
    { skip: fixturesMissing || backend.skip },
    () => {
      const schemas = new PostgresTestSchemas(databaseUrl ?? "");
      const backendEnv = async (): Promise<Record<string, string>> =>
        backend.name === "PostgreSQL" ? { DATABASE_URL: await schemas.create() } : {};

      let upstream: FakeUpstream;
      let gateway: TestGateway;
      let release: () => void = () => undefined;
      let hold: Promise<void> | undefined;

      before(async () => {
        upstream = await startFakeUpstream(async () => {
          if (hold) await hold;
          return replyWithJsonFixture("openai/chat-completion-text.json");
        });
        gateway = await startTestGateway({
          ...(await backendEnv()),
          OPENAI_API_KEY: "test-key",
          OPENAI_BASE_URL: upstream.baseUrl,
          AIG_CONFIG: writePricedModelConfig(),
          AIG_JOB_POLL_INTERVAL_MS: "20",
          AIG_BATCH_DISCOUNT: "0.5",
          // One RPM: the batch's lines must not count against it.
          AIG_TIER_RPM: "pro=3",
        });
      });
      after(async () => {
        release();
        await gateway.close();
        await schemas.dropAll();
        await upstream.close();
      });

      it("runs every line once, at half price, and writes OpenAI's output line format", async () => {
        const client = gateway.openai;
        const lines = [
          chatLine("first"),
          chatLine("second"),
          chatLine("third"),
          chatLine("bad", "nope/unknown"),
        ];
        const input = await client.files.create({
          file: await toFile(Buffer.from(`${lines.join("\n")}\n`), "batch.jsonl"),
          purpose: "batch",
        });
        const created = await client.batches.create({
          input_file_id: input.id,
          endpoint: "/v1/chat/completions",
          completion_window: "24h",
          metadata: { purpose: "test" },
        });
        assert.match(created.id, /^batch_/);
        assert.equal(created.object, "batch");
        assert.equal(created.status, "validating");
        assert.deepEqual(created.metadata, { purpose: "test" });

        const batch = await waitForBatch(client, created.id, ["completed", "failed"]);
        assert.equal(batch.status, "completed", JSON.stringify(batch.errors));
        assert.deepEqual(batch.request_counts, { total: 4, completed: 3, failed: 1 });
        assert.ok(batch.in_progress_at && batch.finalizing_at && batch.completed_at);
        assert.ok(batch.output_file_id && batch.error_file_id);

        const output = (await (await client.files.content(batch.output_file_id)).text()).trim().split("\n");
        assert.equal(output.length, 3);
        const parsed = output.map(
          (line) =>
            JSON.parse(line) as {
              id: string;
              custom_id: string;
              response: {
                status_code: number;
                request_id: string;
                body: OpenAI.ChatCompletion & { usage: { cost: number } };
              };
              error: null;
            },
        );
        assert.deepEqual(
          parsed.map((line) => line.custom_id),
          ["first", "second", "third"],
        );
        for (const line of parsed) {
          assert.match(line.id, /^batch_req_/);
          assert.equal(line.error, null);
          assert.equal(line.response.status_code, 200);
          assert.equal(line.response.request_id, line.id);
          assert.equal(line.response.body.object, "chat.completion");
          assert.equal(line.response.body.model, "test/priced");
          // The body reports what the line is billed: the list price less the 50 % discount.
          assert.equal(line.response.body.usage.cost, pricedCompletionNanodollars / 2 / 1e9);
        }
        const errors = (await (await client.files.content(batch.error_file_id)).text()).trim().split("\n");
        assert.equal(errors.length, 1);
        const failed = JSON.parse(errors[0] ?? "{}") as {
          custom_id: string;
          response: { status_code: number; body: { error: { type: string } } };
        };
        assert.equal(failed.custom_id, "bad");
        assert.equal(failed.response.status_code, 404);
        assert.equal(failed.response.body.error.type, "model_not_found");

        // One usage row per line, each discounted, and four upstream calls for… three good lines.
        const recent = await fetch(`${gateway.baseUrl}/v1/usage/recent?limit=100`, {
          headers: { authorization: `Bearer ${gateway.ownerKey}` },
        });
        const rows = (
          (await recent.json()) as { data: { request_id: string; cost_cents: number; status: number }[] }
        ).data;
        const lineRows = rows.filter((row) => row.request_id.startsWith("batch_req_"));
        assert.equal(lineRows.length, 4);
        const cents = lineRows.filter((row) => row.status === 200).map((row) => row.cost_cents);
        assert.deepEqual(cents, [
          pricedCompletionNanodollars / 2 / 1e7,
          pricedCompletionNanodollars / 2 / 1e7,
          pricedCompletionNanodollars / 2 / 1e7,
        ]);
        assert.equal(upstream.requests.length, 3);

        // More lines ran than the RPM allows, yet the key can still make its own requests.
        const own = await client.chat.completions.create({
          model: "test/priced",
          messages: [{ role: "user", content: "hi" }],
        });
        assert.equal(own.object, "chat.completion");

        const listed = await client.batches.list({ limit: 10 });
        assert.ok(listed.data.some((each) => each.id === created.id));
      });

      it("fails a batch whose lines do not match its endpoint, naming the line", async () => {
        const client = gateway.openai;
        const input = await client.files.create({
          file: await toFile(Buffer.from(`${chatLine("a")}\n`), "chat.jsonl"),
          purpose: "batch",
        });
        const created = await client.batches.create({
          input_file_id: input.id,
          endpoint: "/v1/embeddings",
          completion_window: "24h",
        });
        const batch = await waitForBatch(client, created.id, ["failed", "completed"]);
        assert.equal(batch.status, "failed");
        assert.equal(batch.errors?.data?.[0]?.code, "mismatched_endpoint");
        assert.equal(batch.errors?.data?.[0]?.line, 1);
        assert.ok(batch.failed_at);
      });

      it("refuses a bad create with a 400 naming the field", async () => {
        const client = gateway.openai;
        await assert.rejects(
          client.batches.create({
            input_file_id: "file-nope",
            endpoint: "/v1/chat/completions",
            completion_window: "24h",
          }),
          (error: unknown) => error instanceof OpenAI.BadRequestError && error.param === "input_file_id",
        );
        const input = await client.files.create({
          file: await toFile(Buffer.from(`${chatLine("a")}\n`), "x.jsonl"),
          purpose: "batch",
        });
        await assert.rejects(
          client.batches.create({
            input_file_id: input.id,
            endpoint: "/v1/chat/completions",
            completion_window: "48h" as "24h",
          }),
          (error: unknown) => error instanceof OpenAI.BadRequestError && error.param === "completion_window",
        );
        await assert.rejects(client.batches.retrieve("batch_nope"), OpenAI.NotFoundError);
      });

      it("cancels a batch and keeps the lines that finished", async () => {
        const client = gateway.openai;
        const input = await client.files.create({
          file: await toFile(Buffer.from(`${[chatLine("c1"), chatLine("c2")].join("\n")}\n`), "cancel.jsonl"),
          purpose: "batch",
        });
        hold = new Promise<void>((resolve) => {
          release = resolve;
        });
        const before = upstream.requests.length;
        const created = await client.batches.create({
          input_file_id: input.id,
          endpoint: "/v1/chat/completions",
          completion_window: "24h",
        });
        // Both lines are in flight upstream (held), then the batch is cancelled.
        await waitFor(() => (upstream.requests.length >= before + 2 ? true : undefined));
        const cancelling = await client.batches.cancel(created.id);
        assert.equal(cancelling.status, "cancelling");
        release();
        hold = undefined;
        const batch = await waitForBatch(client, created.id, ["cancelled"]);
        assert.ok(batch.cancelled_at && batch.cancelling_at);
        // The requests in flight finished and are kept in the output.
        assert.equal(batch.request_counts?.completed, 2);
        assert.ok(batch.output_file_id);
      });
    },
  );
}
