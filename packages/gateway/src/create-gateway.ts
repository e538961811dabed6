import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { createKeyService, type KeyService } from "./accounts/key-service.ts";
import { ensureOwner } from "./bootstrap/ensure-owner.ts";
import { createCatalog, readCatalogFile } from "./catalog/catalog.ts";
import { createChatService } from "./chat/chat-service.ts";
import type { GatewayConfig } from "./config/load-config.ts";
import { createEmbeddingService } from "./embeddings/embedding-service.ts";
import { buildApp } from "./http/build-app.ts";
import type { Logger } from "./http/error-response.ts";
import { openKvStore } from "./kv/open-kv-store.ts";
import { createProviderRegistry } from "./routing/provider-registry.ts";
import { openStorage } from "./storage/open-storage.ts";
import type { Storage } from "./storage/storage.ts";
import { createUpstreamClient } from "./upstream/upstream-client.ts";
import { createUsageWriter, type UsageWriter } from "./usage/usage-writer.ts";

export interface Gateway {
  app: FastifyInstance;
  storage: Storage;
  keys: KeyService;
  usage: UsageWriter;
  /** The owner key generated on first start (undefined when it already existed or AIG_ADMIN_KEY is set). */
  generatedOwnerKey: string | undefined;
  /** Stops accepting, lets in-flight requests finish (bounded), flushes usage, closes storage. */
  close(): Promise<void>;
}

export interface CreateGatewayOptions {
  log?: Logger;
  /** Overrides the SQLite path (":memory:" in tests); ignored when DATABASE_URL selects PostgreSQL. */
  databasePath?: string;
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
  const usage = createUsageWriter({
    store: storage.usage,
    flushIntervalMs: config.usageFlushIntervalMs,
    onError: (error, pending) => log("usage write failed; will retry", { error: String(error), pending }),
  });
  const kv = await openKvStore({
    redisUrl: config.redisUrl,
    keyPrefix: config.redisKeyPrefix,
    onConnectionError: (error) => log("redis connection error", { error: error.message }),
  });
  const revocationChannel = "key-revoked";
  const keys = createKeyService({
    storage,
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
  const keyUseTimer = setInterval(() => {
    keys.flushKeyUse().catch((error: unknown) => log("key last-used write failed", { error: String(error) }));
  }, 5_000);
  keyUseTimer.unref();

  const app = buildApp({
    bodyLimitBytes: config.bodyLimitBytes,
    storage,
    catalog,
    providers,
    keys,
    chat: createChatService({ catalog, providers, upstream, usage }),
    embeddings: createEmbeddingService({ catalog, providers, upstream, usage }),
    usage,
    log,
  });

  let closing: Promise<void> | undefined;
  async function close(): Promise<void> {
    clearInterval(keyUseTimer);
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
    await usage.close();
    await keys.flushKeyUse().catch(() => undefined);
    await upstream.close();
    await stopListening().catch(() => undefined);
    await kv.close();
    await storage.close();
  }

  return {
    app,
    storage,
    keys,
    usage,
    generatedOwnerKey: generatedKey,
    close: () => (closing ??= close()),
  };
}
