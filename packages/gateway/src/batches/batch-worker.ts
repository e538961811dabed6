import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { Readable } from "node:stream";
import type { ChatCompletionRequest, EmbeddingRequest } from "@aigateway/protocol";
import { GatewayError, toErrorEnvelope } from "@aigateway/protocol";
import type { AccountDirectory } from "../accounts/account-directory.ts";
import { generateId } from "../accounts/api-key-format.ts";
import type { ChatService } from "../chat/chat-service.ts";
import type { RequestContext } from "../chat/request-context.ts";
import type { EmbeddingService } from "../embeddings/embedding-service.ts";
import type { FileService } from "../files/file-service.ts";
import { chatRequestSchema } from "../http/validation/chat-request-schema.ts";
import { embeddingRequestSchema } from "../http/validation/embedding-request-schema.ts";
import { parseWithSchema } from "../http/validation/parse-with-schema.ts";
import { keepLeaseAlive } from "../jobs/keep-lease-alive.ts";
import { createPollLoop, type LoopTimers } from "../jobs/poll-loop.ts";
import type { BatchLineRecord, BatchRecord, BatchStore } from "../storage/storage.ts";
import { toUsd } from "../usage/format-money.ts";
import type { WebhookService } from "../webhooks/webhook-service.ts";
import type { UsageCapture } from "./capture-usage.ts";
import { readBatchInput } from "./read-batch-input.ts";
import { toBatchObject } from "./to-batch-object.ts";

export interface BatchWorkerOptions {
  store: BatchStore;
  files: FileService;
  webhooks: WebhookService;
  directory: AccountDirectory;
  /** Chat and embeddings wired to `capture` and a discounted spend guard (see create-gateway.ts). */
  chat: ChatService;
  embeddings: EmbeddingService;
  capture: UsageCapture;
  now: () => number;
  timers: LoopTimers;
  /** Batch requests sent upstream at once by this process. */
  concurrency: number;
  pollIntervalMs: number;
  leaseMs: number;
  maxRequestsPerBatch: number;
  log: (message: string, details?: Record<string, unknown>) => void;
}

export interface BatchWorker {
  start(): void;
  wake(): void;
  /** One pass; resolves once the lines it started have finished. */
  runDue(): Promise<number>;
  stop(): Promise<void>;
}

const linePageSize = 500;
// Marking a batch that is still running as recorded would lose its batch.completed event for good.
const finalStatuses: ReadonlySet<string> = new Set(["completed", "failed", "expired", "cancelled"]);

function outputLine(id: string, customId: string, response: unknown, error: unknown): string {
  return `${JSON.stringify({ id, custom_id: customId, response, error })}\n`;
}

export function createBatchWorker(options: BatchWorkerOptions): BatchWorker {
  const { store, files, webhooks, directory, capture, now } = options;
  const owner = `batches-${randomUUID()}`;
  const shutdown = new AbortController();
  const active = new Map<string, Promise<void>>();

  const loop = createPollLoop({
    run: () => runOnce(),
    intervalMs: options.pollIntervalMs,
    timers: options.timers,
    onError: (error) => options.log("batch worker pass failed", { error: String(error) }),
  });

  async function runOnce(): Promise<number> {
    if (shutdown.signal.aborted) return 0;
    let found = 0;
    await recordMissedEvents();
    const at = now();
    const batches = await store.claimBatches({
      now: at,
      limit: 5,
      leaseOwner: owner,
      leaseUntil: at + options.leaseMs,
    });
    for (const batch of batches) {
      found += 1;
      await advanceBatch(batch).catch(async (error: unknown) => {
        options.log("batch step failed; will retry", { batch: batch.id, error: String(error) });
        await store.updateBatch(batch.id, owner, {}).catch(() => false);
      });
    }
    const free = options.concurrency - active.size;
    if (free > 0) {
      const lineAt = now();
      const lines = await store.claimBatchLines({
        now: lineAt,
        limit: free,
        leaseOwner: owner,
        leaseUntil: lineAt + options.leaseMs,
      });
      for (const line of lines) {
        const key = `${line.batchId}:${line.index}`;
        active.set(
          key,
          runLine(line).finally(() => {
            active.delete(key);
            loop.wake();
          }),
        );
      }
      found += lines.length;
    }
    return found;
  }

  async function advanceBatch(batch: BatchRecord): Promise<void> {
    switch (batch.status) {
      case "validating":
        await validate(batch);
        return;
      case "in_progress": {
        if (now() >= batch.expiresAt) {
          await finish(batch, "expired");
          return;
        }
        // No pending line left: every request has its result.
        await store.updateBatch(batch.id, owner, { status: "finalizing", finalizingAt: now() });
        loop.wake();
        return;
      }
      case "finalizing":
        await finish(batch, "completed");
        return;
      case "cancelling":
        await finish(batch, "cancelled");
        return;
      case "completed":
      case "failed":
      case "expired":
      case "cancelled":
        // Finished meanwhile (claimed just before); nothing to do.
        await store.updateBatch(batch.id, owner, {});
        return;
    }
  }

  async function validate(batch: BatchRecord): Promise<void> {
    let opened;
    try {
      opened = await files.openFileContent(batch.accountId, batch.inputFileId);
    } catch {
      await store.updateBatch(batch.id, owner, {
        status: "failed",
        failedAt: now(),
        errors: [
          {
            code: "file_not_found",
            message: `Input file '${batch.inputFileId}' is gone.`,
            param: "input_file_id",
            line: null,
          },
        ],
      });
      return;
    }
    const input = await readBatchInput(opened.body, batch.endpoint, {
      maxRequests: options.maxRequestsPerBatch,
      maxErrors: 100,
    });
    if (input.errors.length > 0) {
      await store.updateBatch(batch.id, owner, { status: "failed", failedAt: now(), errors: input.errors });
      return;
    }
    const lines: BatchLineRecord[] = input.lines.map((line) => ({
      batchId: batch.id,
      index: line.index,
      customId: line.customId,
      body: line.body,
      status: "pending",
      output: null,
      costNanodollars: 0,
      leaseOwner: null,
      leaseUntil: null,
      completedAt: null,
    }));
    await store.startBatch(batch.id, owner, lines, now());
    loop.wake();
  }

  /** Writes the output and error files from the finished lines and moves the batch to its final status. */
  async function finish(batch: BatchRecord, status: "completed" | "cancelled" | "expired"): Promise<void> {
    if (status !== "completed" && (await store.countLeasedLines(batch.id, now())) > 0) {
      // Requests in flight finish first (their results are kept); look again on a later pass.
      await store.updateBatch(batch.id, owner, {});
      return;
    }
    const unfinished =
      status === "cancelled"
        ? { code: "batch_cancelled", message: "The batch was cancelled before this request ran." }
        : {
            code: "batch_expired",
            message: "This request could not be executed before the completion window expired.",
          };
    let succeeded = 0;
    let failed = 0;
    async function* render(kind: "output" | "error"): AsyncGenerator<string> {
      for (let from = 0; ;) {
        const page = await store.listBatchLines(batch.id, from, linePageSize);
        for (const line of page) {
          if (line.status === "succeeded" && kind === "output" && line.output) yield line.output;
          if (line.status === "failed" && kind === "error" && line.output) yield line.output;
          if (line.status === "pending" && kind === "error") {
            yield outputLine(generateId("batch_req_"), line.customId, null, unfinished);
          }
        }
        if (page.length < linePageSize) return;
        from = (page.at(-1)?.index ?? from) + 1;
      }
    }
    for (let from = 0; ;) {
      const page = await store.listBatchLines(batch.id, from, linePageSize);
      for (const line of page) {
        if (line.status === "succeeded") succeeded += 1;
        else failed += 1;
      }
      if (page.length < linePageSize) break;
      from = (page.at(-1)?.index ?? from) + 1;
    }
    const save = (kind: "output" | "error") =>
      files.saveFile(batch.accountId, Readable.from(render(kind)), {
        filename: `${batch.id}_${kind}.jsonl`,
        purpose: "batch_output",
      });
    const outputFile = succeeded > 0 ? await save("output") : null;
    const errorFile = failed > 0 ? await save("error") : null;
    const at = now();
    const finished = await store.updateBatch(batch.id, owner, {
      status,
      outputFileId: outputFile?.id ?? null,
      errorFileId: errorFile?.id ?? null,
      ...(status === "completed"
        ? { completedAt: at }
        : status === "cancelled"
          ? { cancelledAt: at }
          : { expiredAt: at }),
    });
    // Lost the lease while writing the files: the worker that took the batch over finishes it.
    if (finished) await recordEvent(batch.accountId, batch.id);
  }

  async function runLine(line: BatchLineRecord): Promise<void> {
    const requestId = generateId("batch_req_");
    const stopHeartbeat = keepLeaseAlive(options.timers, options.leaseMs, () =>
      store.renewBatchLineLease(line.batchId, line.index, owner, now() + options.leaseMs),
    );
    try {
      const batch = await store.findBatchById(line.batchId);
      const profile = batch ? await directory.findProfile(batch.accountId) : undefined;
      if (!batch || !profile) {
        await finishLine(
          line,
          requestId,
          404,
          toErrorEnvelope(
            new GatewayError("not_found", {
              message: "The account of this batch no longer exists.",
            }),
          ).body,
        );
        return;
      }
      const context: RequestContext = {
        requestId,
        accountId: batch.accountId,
        billingAccountId: profile.billing.id,
        keyId: batch.keyId,
        tag: batch.tag,
        startedAt: performance.now(),
        profile,
      };
      let body: unknown;
      let status = 200;
      try {
        body = await execute(batch.endpoint, context, JSON.parse(line.body) as unknown);
      } catch (error) {
        if (shutdown.signal.aborted) throw error;
        const rendered = toErrorEnvelope(error);
        status = rendered.status;
        body = rendered.body;
      }
      await finishLine(line, requestId, status, body);
    } catch (error) {
      capture.take(requestId);
      // Shutdown or a storage failure: the line goes back untouched and runs again (charged once).
      await store.releaseBatchLine(line.batchId, line.index, owner).catch(() => undefined);
      if (!shutdown.signal.aborted)
        options.log("batch line failed; will retry", { batch: line.batchId, error: String(error) });
    } finally {
      stopHeartbeat();
    }
  }

  /** One request of a batch through the same services as the HTTP routes (no RPM: lines are not HTTP requests). */
  async function execute(endpoint: string, context: RequestContext, raw: unknown): Promise<unknown> {
    if (endpoint === "/v1/embeddings") {
      const request = parseWithSchema(embeddingRequestSchema, raw) as EmbeddingRequest;
      const { response } = await options.embeddings.embed(context, request, shutdown.signal);
      const usage = response.usage as (typeof response.usage & { cost?: number }) | undefined;
      const cost = capture.peekCost(context.requestId);
      if (usage && cost !== undefined) usage.cost = toUsd(cost);
      return response;
    }
    const request = parseWithSchema(chatRequestSchema, raw) as ChatCompletionRequest;
    if (request.stream === true) {
      throw new GatewayError("invalid_request", {
        param: "stream",
        message: "Batch requests cannot stream.",
      });
    }
    const { completion } = await options.chat.complete(context, request, shutdown.signal);
    // The body reports the discounted cost the line is billed, not the list price.
    const cost = capture.peekCost(context.requestId);
    if (completion.usage && cost !== undefined) completion.usage = { ...completion.usage, cost: toUsd(cost) };
    return completion;
  }

  async function finishLine(
    line: BatchLineRecord,
    requestId: string,
    status: number,
    body: unknown,
  ): Promise<void> {
    const usage = capture.take(requestId);
    const succeeded = status >= 200 && status < 300;
    const finished = await store.finishBatchLine(
      line.batchId,
      line.index,
      owner,
      {
        status: succeeded ? "succeeded" : "failed",
        output: outputLine(
          requestId,
          line.customId,
          { status_code: status, request_id: requestId, body },
          null,
        ),
        costNanodollars: usage.reduce((total, row) => total + row.costNanodollars, 0),
        completedAt: now(),
      },
      usage,
    );
    if (!finished)
      options.log("batch line was finished elsewhere; this result is dropped", {
        batch: line.batchId,
        line: line.index,
      });
  }

  async function recordEvent(accountId: string, id: string): Promise<void> {
    const batch = await store.findBatch(accountId, id);
    if (!batch || batch.eventRecordedAt !== null || !finalStatuses.has(batch.status)) return;
    if (batch.status === "completed") {
      await webhooks.enqueueEvent({ accountId, type: "batch.completed", data: toBatchObject(batch) });
    }
    await store.markBatchEventRecorded(id, now());
  }

  async function recordMissedEvents(): Promise<void> {
    for (const batch of await store.listBatchesAwaitingEvent(20)) {
      const finishedAt = batch.completedAt ?? batch.cancelledAt ?? batch.expiredAt ?? batch.failedAt ?? 0;
      if (finishedAt > now() - options.leaseMs) continue;
      await recordEvent(batch.accountId, batch.id);
    }
  }

  return {
    start: () => loop.start(),
    wake: () => loop.wake(),
    async runDue() {
      const found = await loop.runNow();
      await Promise.all(active.values());
      return found;
    },
    async stop() {
      await loop.stop();
      shutdown.abort();
      await Promise.all(active.values());
    },
  };
}
