import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { createKeyService, type KeyService } from "./accounts/key-service.ts";
import { ensureOwner } from "./bootstrap/ensure-owner.ts";
import { createAccountDirectory } from "./accounts/account-directory.ts";
import { createAccountService } from "./accounts/account-service.ts";
import { createRateLimiter } from "./accounts/rate-limiter.ts";
import { createSpendGuard } from "./accounts/spend-guard.ts";
import { startUsageRetention } from "./usage/start-usage-retention.ts";
import { createLiveUsage } from "./usage/live-usage.ts";
import { createCatalog, readCatalogFile } from "./catalog/catalog.ts";
import { createChatService } from "./chat/chat-service.ts";
import { createMessagesService } from "./messages/messages-service.ts";
import type { GatewayConfig } from "./config/load-config.ts";
import { createEmbeddingService } from "./embeddings/embedding-service.ts";
import { ensureSigningKeys } from "./files/ensure-signing-keys.ts";
import { createFileService, type FileService } from "./files/file-service.ts";
import { openBlobStore } from "./files/open-blob-store.ts";
import { startRetentionSweeper } from "./files/retention-sweeper.ts";
import { buildApp } from "./http/build-app.ts";
import type { Logger } from "./http/error-response.ts";
import { openKvStore } from "./kv/open-kv-store.ts";
import { createProviderRegistry } from "./routing/provider-registry.ts";
import { createRouter, systemRoutingClock, type RoutingClock } from "./routing/create-router.ts";
import { createResponseCache } from "./cache/response-cache.ts";
import { openStorage } from "./storage/open-storage.ts";
import type { Storage } from "./storage/storage.ts";
import { createUpstreamClient } from "./upstream/upstream-client.ts";
import { createUsageWriter, type UsageWriter } from "./usage/usage-writer.ts";
import { createWebhooks } from "./webhooks/create-webhooks.ts";
import { createBatchRuntime, type BatchRuntime } from "./batches/create-batch-runtime.ts";
import { createJobRuntime, type JobRuntime } from "./jobs/create-job-runtime.ts";
import type { LoopTimers } from "./jobs/poll-loop.ts";
import type { WebhookTimers } from "./webhooks/webhook-dispatcher.ts";
import type { WebhookService } from "./webhooks/webhook-service.ts";
import type { ResolveHost } from "./webhooks/webhook-url-guard.ts";

export interface Gateway {
  app: FastifyInstance;
  storage: Storage;
  keys: KeyService;
  usage: UsageWriter;
  /** Files and job results (`saveJobResult` for async jobs, `saveFile` for batch outputs). */
  files: FileService;
  /** Webhook endpoints, secrets and deliveries; `enqueueEvent` records an event for delivery. */
  webhooks: WebhookService;
  /** Async jobs: the service behind /v1/jobs and the worker draining the durable queue. */
  jobs: JobRuntime;
  /** OpenAI-compatible batches: the service behind /v1/batches and the worker running their lines. */
  batches: BatchRuntime;
  /** The owner key generated on first start (undefined when it already existed or AIG_ADMIN_KEY is set). */
  generatedOwnerKey: string | undefined;
  /** Stops accepting, lets in-flight requests finish (bounded), flushes usage, closes storage. */
  close(): Promise<void>;
}

export interface CreateGatewayOptions {
  log?: Logger;
  /** Overrides the SQLite path (":memory:" in tests); ignored when DATABASE_URL selects PostgreSQL. */
  databasePath?: string;
  /** The clock of files, signed URLs and retention (tests move it instead of sleeping). */
  now?: () => number;
  /** Webhook dispatcher timers and DNS (tests fire polls by hand and fake DNS answers). */
  webhooks?: { timers?: WebhookTimers; resolveHost?: ResolveHost };
  /** The router's clock, sleep and jitter (tests move time instead of waiting out backoffs and breakers). */
  routingClock?: Partial<RoutingClock>;
  /** Job and batch worker timers, and whether the workers start with the gateway (default true). */
  workers?: { timers?: LoopTimers; start?: boolean };
}

/** The composition root as a function: config in, a wired gateway out. No module-level state. */
export async function createGateway(
  config: GatewayConfig,
  options: CreateGatewayOptions = {},
): Promise<Gateway> {
  const log: Logger =
    options.log ??
    ((message, details) => console.error(JSON.stringify({ level: "error", message, ...details })));
  const storage = await openStorage({
    databaseUrl: config.databaseUrl,
    sqlitePath: options.databasePath ?? join(config.dataDir, "aigateway.db"),
    maxConnections: config.databaseMaxConnections,
  });
  const catalog = createCatalog(readCatalogFile(), config.extraModels);
  const providers = createProviderRegistry(config.providers);
  const upstream = createUpstreamClient(config.timeouts);
  const kv = await openKvStore({
    redisUrl: config.redisUrl,
    keyPrefix: config.redisKeyPrefix,
    onConnectionError: (error) => log("redis connection error", { error: error.message }),
  });
  const liveUsage = createLiveUsage(kv, (error) =>
    log("live usage fan-out failed", { error: String(error) }),
  );
  const usage = createUsageWriter({
    store: storage.usage,
    flushIntervalMs: config.usageFlushIntervalMs,
    onError: (error, pending) => log("usage write failed; will retry", { error: String(error), pending }),
    onWritten: (batch) => liveUsage.publish(batch),
  });
  const revocationChannel = "key-revoked";
  const keys = createKeyService({
    storage,
    // The same clock as webhooks: the key.rotated event it records is due when that clock says so.
    ...(options.now ? { now: options.now } : {}),
    // Best effort: if the announcement is lost, other replicas still drop the key within the cache TTL.
    announceRevocation: (keyHash) =>
      kv.publish(revocationChannel, keyHash).catch((error: unknown) => {
        log("could not announce a key revocation", { error: String(error) });
      }),
  });
  const stopListening = await kv
    .subscribe(revocationChannel, (keyHash) => keys.forgetKeyHash(keyHash))
    .catch((error: unknown) => {
      log("could not subscribe to key revocations", { error: String(error) });
      return async () => undefined;
    });
  const { generatedKey } = await ensureOwner(storage, keys, config.adminKey);
  const accountChannel = "account-changed";
  const directory = createAccountDirectory({
    storage,
    tierLimits: config.tierLimits,
    publishChange: (accountId) =>
      kv.publish(accountChannel, accountId).catch((error: unknown) => {
        log("could not announce an account change", { error: String(error) });
      }),
  });
  const stopAccountListening = await kv
    .subscribe(accountChannel, (accountId) => directory.forget(accountId))
    .catch((error: unknown) => {
      log("could not subscribe to account changes", { error: String(error) });
      return async () => undefined;
    });
  const accounts = createAccountService({
    storage,
    kv,
    keys,
    directory,
    tierLimits: config.tierLimits,
    defaultTier: config.defaultTier,
    flushUsage: () => usage.flush(),
  });
  const rateLimiter = createRateLimiter(kv, options.now);
  const now = options.now ?? Date.now;
  const blobs = await openBlobStore({ s3: config.s3, dataDir: config.dataDir });
  const files = createFileService({
    store: storage.files,
    blobs,
    maxBytes: config.fileMaxBytes,
    jobFileRetentionMs: config.jobFileRetentionDays > 0 ? config.jobFileRetentionDays * 86_400_000 : null,
    signingKeys: await ensureSigningKeys(config.signingKeys, storage.files, now()),
    now,
    onError: log,
  });
  const fileSweeper = startRetentionSweeper({
    sweep: () => files.sweepExpired(),
    intervalMs: 15 * 60_000,
    onError: (error) => log("file retention sweep failed", { error: String(error) }),
  });
  const webhooks = createWebhooks({
    store: storage.webhooks,
    settings: config.webhooks,
    now,
    log,
    ...(options.webhooks?.timers ? { timers: options.webhooks.timers } : {}),
    ...(options.webhooks?.resolveHost ? { resolveHost: options.webhooks.resolveHost } : {}),
  });
  const spendGuard = createSpendGuard({
    kv,
    storage,
    flushUsage: () => usage.flush(),
    // Threshold events go through the outbox, so subscribed webhook endpoints receive them.
    recordEvent: async (event) => {
      await webhooks.enqueueEvent({ accountId: event.accountId, type: event.type, data: event.data });
    },
    onError: (error) => log("spend settlement failed", { error: String(error) }),
  });
  const retention = startUsageRetention({
    store: storage.usage,
    retentionDays: config.usageRetentionDays,
    onError: (error) => log("usage retention sweep failed", { error: String(error) }),
  });
  const keyUseTimer = setInterval(() => {
    keys.flushKeyUse().catch((error: unknown) => log("key last-used write failed", { error: String(error) }));
  }, 5_000);
  keyUseTimer.unref();

  const router = createRouter({
    catalog,
    providers,
    clock: { ...systemRoutingClock, ...options.routingClock },
    breaker: {
      failureThreshold: config.routing.breakerFailureThreshold,
      openMs: config.routing.breakerOpenMs,
    },
  });
  const cache = createResponseCache(kv, config.cache, (error) =>
    log("response cache unavailable", { error: String(error) }),
  );
  const chat = createChatService({
    catalog,
    providers,
    upstream,
    usage,
    spendGuard,
    router,
    cache,
    autoRouteFeePercent: config.routing.autoRouteFeePercent,
  });
  const jobs = createJobRuntime({
    config,
    storage,
    catalog,
    files,
    webhooks,
    spendGuard,
    directory,
    now,
    log,
    ...(options.workers?.timers ? { timers: options.workers.timers } : {}),
  });
  // Batch lines run through their own chat and embedding services: same routing, but their usage is
  // captured (committed with each line, discounted) instead of going to the write-behind log.
  const batches = createBatchRuntime({
    config,
    storage,
    files,
    webhooks,
    directory,
    spendGuard,
    now,
    log,
    ...(options.workers?.timers ? { timers: options.workers.timers } : {}),
    createServices: (batchUsage, batchSpendGuard) => ({
      chat: createChatService({
        catalog,
        providers,
        upstream,
        usage: batchUsage,
        spendGuard: batchSpendGuard,
        router,
        cache,
        autoRouteFeePercent: config.routing.autoRouteFeePercent,
      }),
      embeddings: createEmbeddingService({
        catalog,
        providers,
        upstream,
        usage: batchUsage,
        spendGuard: batchSpendGuard,
        router,
      }),
    }),
  });
  const app = buildApp({
    bodyLimitBytes: config.bodyLimitBytes,
    storage,
    catalog,
    providers,
    keys,
    chat,
    messages: createMessagesService({ catalog, providers, upstream, usage, chat, spendGuard }),
    embeddings: createEmbeddingService({ catalog, providers, upstream, usage, spendGuard, router }),
    accounts,
    directory,
    rateLimiter,
    usage,
    liveUsage,
    log,
    files,
    publicBaseUrl: config.publicBaseUrl,
    webhooks,
    router,
    cache,
    jobs: jobs.service,
    batches: batches.service,
  });
  webhooks.start();
  if (options.workers?.start !== false) {
    jobs.worker.start();
    batches.worker.start();
  }

  let closing: Promise<void> | undefined;
  async function close(): Promise<void> {
    clearInterval(keyUseTimer);
    retention.stop();
    const drained = app.close();
    // server.close() only drops connections idle at that moment; a keep-alive connection whose
    // stream finishes later would hold the process open, so idle ones are swept until drained.
    const sweeper = setInterval(() => app.server.closeIdleConnections(), 100);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        // In-flight requests had their grace period; cut the rest so shutdown is bounded.
        app.server.closeAllConnections();
        resolve();
      }, config.shutdownGraceMs);
      timer.unref();
    });
    await Promise.race([drained, deadline]);
    clearTimeout(timer);
    clearInterval(sweeper);
    // Workers stop before the outbox and storage: a step in flight gives its job or line back.
    await jobs.close();
    await batches.worker.stop();
    await webhooks.stop();
    await usage.close();
    await keys.flushKeyUse().catch(() => undefined);
    await upstream.close();
    await stopListening().catch(() => undefined);
    await stopAccountListening().catch(() => undefined);
    await liveUsage.close();
    await kv.close();
    await fileSweeper.stop();
    await blobs.close();
    await storage.close();
  }

  return {
    app,
    storage,
    keys,
    usage,
    files,
    webhooks,
    jobs,
    batches,
    generatedOwnerKey: generatedKey,
    close: () => (closing ??= close()),
  };
}
