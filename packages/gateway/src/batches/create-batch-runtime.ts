import type { AccountDirectory } from "../accounts/account-directory.ts";
import type { SpendGuard } from "../accounts/spend-guard.ts";
import type { ChatService } from "../chat/chat-service.ts";
import type { GatewayConfig } from "../config/load-config.ts";
import type { EmbeddingService } from "../embeddings/embedding-service.ts";
import type { FileService } from "../files/file-service.ts";
import { systemLoopTimers, type LoopTimers } from "../jobs/poll-loop.ts";
import type { Storage } from "../storage/storage.ts";
import type { WebhookService } from "../webhooks/webhook-service.ts";
import { toDiscountPpm } from "./apply-batch-discount.ts";
import { createBatchService, type BatchService } from "./batch-service.ts";
import { createBatchWorker, type BatchWorker } from "./batch-worker.ts";
import { createUsageCapture, discountSpendGuard, type UsageCapture } from "./capture-usage.ts";

export interface BatchRuntime {
  service: BatchService;
  worker: BatchWorker;
}

export interface BatchRuntimeOptions {
  config: GatewayConfig;
  storage: Storage;
  files: FileService;
  webhooks: WebhookService;
  directory: AccountDirectory;
  spendGuard: SpendGuard;
  now: () => number;
  log: (message: string, details?: Record<string, unknown>) => void;
  timers?: LoopTimers;
  /** Builds the chat and embedding services batch lines run through, on the given usage sink and guard. */
  createServices: (
    usage: UsageCapture,
    spendGuard: SpendGuard,
  ) => { chat: ChatService; embeddings: EmbeddingService };
}

/** Wires batches: discounted usage capture and spend guard, the line services, the service and worker. */
export function createBatchRuntime(options: BatchRuntimeOptions): BatchRuntime {
  const { config } = options;
  const discountPpm = toDiscountPpm(config.jobs.batchDiscount);
  const capture = createUsageCapture(discountPpm);
  const services = options.createServices(capture, discountSpendGuard(options.spendGuard, discountPpm));
  const worker = createBatchWorker({
    store: options.storage.batches,
    files: options.files,
    webhooks: options.webhooks,
    directory: options.directory,
    chat: services.chat,
    embeddings: services.embeddings,
    capture,
    now: options.now,
    timers: options.timers ?? systemLoopTimers,
    concurrency: config.jobs.workers,
    pollIntervalMs: config.jobs.pollIntervalMs,
    leaseMs: config.jobs.leaseMs,
    maxRequestsPerBatch: config.jobs.maxBatchRequests,
    log: options.log,
  });
  const service = createBatchService({
    store: options.storage.batches,
    files: options.files,
    now: options.now,
    wake: () => worker.wake(),
  });
  return { service, worker };
}
