import type { AccountDirectory } from "../accounts/account-directory.ts";
import type { SpendGuard } from "../accounts/spend-guard.ts";
import type { Catalog } from "../catalog/catalog.ts";
import type { GatewayConfig } from "../config/load-config.ts";
import type { FileService } from "../files/file-service.ts";
import type { Storage } from "../storage/storage.ts";
import type { WebhookService } from "../webhooks/webhook-service.ts";
import { jobAdapters } from "./adapters/job-adapters.ts";
import { createJobHttpClient } from "./job-http-client.ts";
import { createJobService, type JobService } from "./job-service.ts";
import { createJobWorker, type JobWorker } from "./job-worker.ts";
import { systemLoopTimers, type LoopTimers } from "./poll-loop.ts";

export interface JobRuntime {
  service: JobService;
  worker: JobWorker;
  /** Stops the worker (steps in flight give their jobs back) and closes the upstream client. */
  close(): Promise<void>;
}

export interface JobRuntimeOptions {
  config: GatewayConfig;
  storage: Storage;
  catalog: Catalog;
  files: FileService;
  webhooks: WebhookService;
  spendGuard: SpendGuard;
  directory: AccountDirectory;
  now: () => number;
  log: (message: string, details?: Record<string, unknown>) => void;
  timers?: LoopTimers;
}

/** Wires the job service, its worker and the upstream client for job APIs; the caller starts the worker. */
export function createJobRuntime(options: JobRuntimeOptions): JobRuntime {
  const { config } = options;
  const http = createJobHttpClient(config.timeouts);
  // The service wakes the worker, which needs the service to render events: tie the knot lazily.
  const wake = { current: (): void => undefined };
  const service = createJobService({
    store: options.storage.jobs,
    catalog: options.catalog,
    adapters: jobAdapters,
    providers: config.providers,
    files: options.files,
    webhooks: options.webhooks,
    spendGuard: options.spendGuard,
    http,
    publicBaseUrl: config.publicBaseUrl,
    now: options.now,
    wake: () => wake.current(),
    log: options.log,
  });
  const worker = createJobWorker({
    store: options.storage.jobs,
    service,
    catalog: options.catalog,
    adapters: jobAdapters,
    providers: config.providers,
    http,
    files: options.files,
    webhooks: options.webhooks,
    spendGuard: options.spendGuard,
    directory: options.directory,
    now: options.now,
    timers: options.timers ?? systemLoopTimers,
    concurrency: config.jobs.workers,
    pollIntervalMs: config.jobs.pollIntervalMs,
    upstreamPollMs: config.jobs.upstreamPollMs,
    leaseMs: config.jobs.leaseMs,
    log: options.log,
  });
  wake.current = () => worker.wake();
  return {
    service,
    worker,
    async close() {
      await worker.stop();
      await http.close();
    },
  };
}
