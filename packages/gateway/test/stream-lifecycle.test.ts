// A stream's life at its edges: the client leaving early, and the gateway being told to stop.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { fileURLToPath } from "node:url";
import OpenAI from "openai";
import { startFakeUpstream, type FakeUpstream } from "./support/fake-upstream.ts";
import { fixturesMissing, readChunkLines } from "./support/fixtures.ts";
import { createLogReader } from "./support/line-reader.ts";
import { startTestGateway, testOwnerKey, type TestGateway } from "./support/start-test-gateway.ts";
import { waitFor } from "./support/wait-for.ts";

const recordedFrames = (): string[] => [
  ...readChunkLines("openai/chat-stream-text-with-usage.chunks.txt").map((line) => `data: ${line}\n\n`),
  "data: [DONE]\n\n",
];

describe("client disconnect", { skip: fixturesMissing }, () => {
  let gateway: TestGateway;
  let upstream: FakeUpstream;

  before(async () => {
    upstream = await startFakeUpstream(() => ({
      status: 200,
      headers: { "content-type": "text/event-stream" },
      frames: recordedFrames(),
      pauseAfterFrames: 3,
      // Never released: only the gateway aborting the request ends it.
      release: new Promise<void>(() => undefined),
    }));
    gateway = await startTestGateway({ OPENAI_API_KEY: "test", OPENAI_BASE_URL: upstream.baseUrl });
  });
  after(async () => {
    await gateway.close();
    await upstream.close();
  });

  it("aborts the upstream request as soon as the client goes away", { timeout: 20_000 }, async () => {
    const stream = await gateway.openai.chat.completions.create({
      model: "openai/gpt-4.1-nano",
      messages: [{ role: "user", content: "long answer please" }],
      stream: true,
    });
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) break;
    }
    stream.controller.abort();
    // Resolves only when the gateway closes its upstream connection.
    await upstream.requests.at(-1)?.closed;
    const row = await waitFor(async () => {
      await gateway.gateway.usage.flush();
      const [latest] = await gateway.gateway.storage.usage.listRecentUsage("acct_default", 1);
      return latest;
    });
    assert.equal(row.status, 499);
    assert.ok(row.completionTokens > 0);
  });
});

describe("graceful shutdown", { skip: fixturesMissing }, () => {
  let upstream: FakeUpstream;
  let release: () => void = () => undefined;

  before(async () => {
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    upstream = await startFakeUpstream(() => ({
      status: 200,
      headers: { "content-type": "text/event-stream" },
      frames: recordedFrames(),
      pauseAfterFrames: 5,
      release: released,
    }));
  });
  after(async () => {
    await upstream.close();
  });

  it(
    "finishes the in-flight stream on SIGTERM, records its usage and exits 0",
    { timeout: 30_000 },
    async () => {
      const dataDir = mkdtempSync(join(tmpdir(), "aig-sigterm-"));
      const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));
      const child = spawn(process.execPath, [main], {
        env: {
          PATH: process.env.PATH,
          HOST: "127.0.0.1",
          PORT: "0",
          AIG_DATA_DIR: dataDir,
          AIG_ADMIN_KEY: testOwnerKey,
          OPENAI_API_KEY: "test",
          OPENAI_BASE_URL: upstream.baseUrl,
        },
        stdio: ["ignore", "pipe", "inherit"],
      });
      const log = createLogReader(child.stdout);
      const { address } = (await log.waitFor("aigateway listening")) as { address: string };
      const client = new OpenAI({ apiKey: testOwnerKey, baseURL: `${address}/v1`, maxRetries: 0 });

      const stream = await client.chat.completions.create({
        model: "openai/gpt-4.1-nano",
        messages: [{ role: "user", content: "a poem" }],
        stream: true,
      });
      const iterator = stream[Symbol.asyncIterator]();
      let text = "";
      let usage: OpenAI.CompletionUsage | undefined;
      const first = await iterator.next();
      if (!first.done) text += first.value.choices[0]?.delta.content ?? "";
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      await log.waitFor("shutting down");
      release();
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        text += next.value.choices[0]?.delta.content ?? "";
        if (next.value.usage) usage = next.value.usage;
      }
      const [code] = (await exited) as [number | null];
      assert.equal(code, 0);
      assert.ok(text.length > 100);
      assert.equal(usage?.completion_tokens, 300);

      const database = new DatabaseSync(join(dataDir, "aigateway.db"), { readOnly: true });
      const rows = database
        .prepare("SELECT status, completion_tokens, cost_nanodollars FROM usage_log")
        .all();
      database.close();
      assert.equal(rows.length, 1);
      assert.equal(rows[0]?.status, 200);
      assert.equal(rows[0]?.completion_tokens, 300);
      assert.ok(Number(rows[0]?.cost_nanodollars) > 0);
    },
  );
});
