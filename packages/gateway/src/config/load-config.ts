import { isAccountTier, readTierLimits, type TierLimits } from "../accounts/tier-limits.ts";
import { accountTiers, type AccountTier } from "../storage/storage.ts";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import type { CatalogModelEntry } from "../catalog/catalog-schema.ts";
import type { ProviderConfig } from "../providers/provider-adapter.ts";
import { configFileSchema, type ConfigFile } from "./config-file-schema.ts";
import { knownProviders } from "./known-providers.ts";
import type { S3Credentials } from "../files/s3-blob-store.ts";
import { parseSigningKeys, type SigningKey } from "../files/signing-keys.ts";
import type { WebhookSettings } from "../webhooks/create-webhooks.ts";
import { parseFractionToMillionths, type ResponseCacheSettings } from "../cache/response-cache.ts";

export interface UpstreamTimeouts {
  connectMs: number;
  firstByteMs: number;
  idleMs: number;
}

export interface GatewayConfig {
  host: string;
  port: number;
  dataDir: string;
  /** PostgreSQL connection string; unset means embedded SQLite in `dataDir`. */
  databaseUrl: string | undefined;
  databaseMaxConnections: number;
  /** Redis for shared counters and cross-replica fan-out; unset means in-process memory. */
  redisUrl: string | undefined;
  redisKeyPrefix: string;
  /** When set, accepted as the owner key of the default account (and for the operator API). */
  adminKey: string | undefined;
  bodyLimitBytes: number;
  timeouts: UpstreamTimeouts;
  shutdownGraceMs: number;
  usageFlushIntervalMs: number;
  /** Days raw usage rows are kept (AIG_USAGE_RETENTION_DAYS); rollups are kept. 0 keeps them forever. */
  usageRetentionDays: number;
  /** RPM (and free-tier daily) limits per tier, AIG_TIER_RPM / AIG_TIER_RPD over the defaults. */
  tierLimits: TierLimits;
  /** Tier of accounts created without one (AIG_DEFAULT_TIER, default pro). */
  defaultTier: AccountTier;
  /** Every provider the gateway knows, configured or not (unconfigured ones have no key). */
  providers: ProviderConfig[];
  extraModels: CatalogModelEntry[];
  /** Largest accepted file upload or job result (AIG_FILE_MAX_BYTES). */
  fileMaxBytes: number;
  /** S3-compatible blob storage (AIG_S3_BUCKET); unset means local disk under `dataDir/files`. */
  s3: S3Settings | undefined;
  /** Signed-URL keys from AIG_SIGNING_KEYS, first signs; empty means one generated and kept in the database. */
  signingKeys: SigningKey[];
  /** Days a job result is kept (AIG_JOB_FILE_RETENTION_DAYS); 0 keeps them until deleted. */
  jobFileRetentionDays: number;
  /** Origin used in signed URLs (AIG_PUBLIC_BASE_URL); unset means the origin each request came to. */
  publicBaseUrl: string | undefined;
  /** Webhook delivery: SSRF opt-out (AIG_WEBHOOK_ALLOW_PRIVATE), poll interval, per-attempt timeout. */
  webhooks: WebhookSettings;
  /** Response cache: AIG_CACHE_TTL_SECONDS (0 = off), AIG_CACHE_HIT_PRICE_FRACTION, AIG_CACHE_MAX_ENTRY_BYTES. */
  cache: ResponseCacheSettings;
  /** Circuit breakers (AIG_BREAKER_FAILURE_THRESHOLD, AIG_BREAKER_OPEN_MS) and AIG_AUTO_ROUTE_FEE_PERCENT. */
  routing: RoutingSettings;
  /** Async jobs and batches: workers per process, polling, leases, batch discount (see docs/jobs.md). */
  jobs: JobSettings;
}

export interface JobSettings {
  /** Jobs, and separately batch requests, worked on at once per process (AIG_JOB_WORKERS). */
  workers: number;
  /** How often the durable queue is polled (AIG_JOB_POLL_INTERVAL_MS). */
  pollIntervalMs: number;
  /** Wait between two status polls of one upstream job (AIG_JOB_UPSTREAM_POLL_MS). */
  upstreamPollMs: number;
  /** How long a crashed worker's job or batch line stays locked before another takes it (AIG_JOB_LEASE_MS). */
  leaseMs: number;
  /** Fraction off the list price for batch requests, 0 to 1 (AIG_BATCH_DISCOUNT, default 0.5). */
  batchDiscount: number;
  /** Requests one batch may hold (AIG_BATCH_MAX_REQUESTS). */
  maxBatchRequests: number;
}

export interface RoutingSettings {
  breakerFailureThreshold: number;
  breakerOpenMs: number;
  autoRouteFeePercent: number;
}

function readCacheSettings(env: NodeJS.ProcessEnv): ResponseCacheSettings {
  const fraction = env.AIG_CACHE_HIT_PRICE_FRACTION || "0";
  const hitPriceMillionths = parseFractionToMillionths(fraction);
  if (hitPriceMillionths === undefined) {
    throw new ConfigError(`AIG_CACHE_HIT_PRICE_FRACTION must be a decimal from 0 to 1, got "${fraction}"`);
  }
  return {
    ttlMs: readInteger(env, "AIG_CACHE_TTL_SECONDS", 3_600) * 1000,
    maxEntryBytes: readInteger(env, "AIG_CACHE_MAX_ENTRY_BYTES", 1024 * 1024),
    hitPriceMillionths,
  };
}

function readRoutingSettings(env: NodeJS.ProcessEnv): RoutingSettings {
  const feePercent = readInteger(env, "AIG_AUTO_ROUTE_FEE_PERCENT", 0);
  if (feePercent > 100) throw new ConfigError("AIG_AUTO_ROUTE_FEE_PERCENT must be at most 100");
  return {
    breakerFailureThreshold: Math.max(1, readInteger(env, "AIG_BREAKER_FAILURE_THRESHOLD", 5)),
    breakerOpenMs: Math.max(1, readInteger(env, "AIG_BREAKER_OPEN_MS", 30_000)),
    autoRouteFeePercent: feePercent,
  };
}

export interface S3Settings {
  bucket: string;
  endpoint: string | undefined;
  region: string;
  forcePathStyle: boolean;
  /** From AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY; unset leaves the AWS SDK's default chain. */
  credentials: S3Credentials | undefined;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

function readTierLimitsOrFail(env: NodeJS.ProcessEnv): TierLimits {
  try {
    return readTierLimits(env.AIG_TIER_RPM, env.AIG_TIER_RPD);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
}

function readDefaultTier(env: NodeJS.ProcessEnv): AccountTier {
  const value = env.AIG_DEFAULT_TIER || "pro";
  if (!isAccountTier(value))
    throw new ConfigError(`AIG_DEFAULT_TIER must be one of ${accountTiers.join(", ")}, got "${value}"`);
  return value;
}

function readInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw new ConfigError(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

function readS3Settings(env: NodeJS.ProcessEnv): S3Settings | undefined {
  const bucket = env.AIG_S3_BUCKET;
  if (!bucket) return undefined;
  const endpoint = env.AIG_S3_ENDPOINT || undefined;
  const pathStyle = env.AIG_S3_FORCE_PATH_STYLE;
  if (pathStyle && !["true", "false", "1", "0"].includes(pathStyle))
    throw new ConfigError(`AIG_S3_FORCE_PATH_STYLE must be true or false, got "${pathStyle}"`);
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  return {
    bucket,
    endpoint,
    region: env.AIG_S3_REGION || env.AWS_REGION || "us-east-1",
    // S3-compatible servers (MinIO and the like) usually need path-style addressing.
    forcePathStyle: pathStyle ? pathStyle === "true" || pathStyle === "1" : endpoint !== undefined,
    credentials:
      accessKeyId && secretAccessKey
        ? {
            accessKeyId,
            secretAccessKey,
            ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
          }
        : undefined,
  };
}

function readSigningKeys(env: NodeJS.ProcessEnv): SigningKey[] {
  try {
    return parseSigningKeys(env.AIG_SIGNING_KEYS);
  } catch (error) {
    throw new ConfigError(`AIG_SIGNING_KEYS: ${(error as Error).message}`);
  }
}

function readWebhookSettings(env: NodeJS.ProcessEnv, file: ConfigFile): WebhookSettings {
  const raw = env.AIG_WEBHOOK_ALLOW_PRIVATE;
  if (raw !== undefined && raw !== "" && !["true", "false", "1", "0"].includes(raw)) {
    throw new ConfigError(`AIG_WEBHOOK_ALLOW_PRIVATE must be true or false, got "${raw}"`);
  }
  const allowPrivateUrls =
    raw === undefined || raw === ""
      ? (file.webhooks?.allow_private_urls ?? false)
      : raw === "true" || raw === "1";
  const timeoutMs = readInteger(env, "AIG_WEBHOOK_TIMEOUT_MS", 10_000);
  const pollIntervalMs = readInteger(env, "AIG_WEBHOOK_POLL_INTERVAL_MS", 1_000);
  if (timeoutMs === 0 || pollIntervalMs === 0) {
    throw new ConfigError("AIG_WEBHOOK_TIMEOUT_MS and AIG_WEBHOOK_POLL_INTERVAL_MS must be positive");
  }
  return { allowPrivateUrls, timeoutMs, pollIntervalMs };
}

function readJobSettings(env: NodeJS.ProcessEnv): JobSettings {
  const rawDiscount = env.AIG_BATCH_DISCOUNT;
  const batchDiscount = rawDiscount === undefined || rawDiscount === "" ? 0.5 : Number(rawDiscount);
  if (!Number.isFinite(batchDiscount) || batchDiscount < 0 || batchDiscount > 1) {
    throw new ConfigError(`AIG_BATCH_DISCOUNT must be a fraction from 0 to 1, got "${rawDiscount ?? ""}"`);
  }
  const settings: JobSettings = {
    workers: readInteger(env, "AIG_JOB_WORKERS", 4),
    pollIntervalMs: readInteger(env, "AIG_JOB_POLL_INTERVAL_MS", 1_000),
    upstreamPollMs: readInteger(env, "AIG_JOB_UPSTREAM_POLL_MS", 5_000),
    leaseMs: readInteger(env, "AIG_JOB_LEASE_MS", 60_000),
    batchDiscount,
    maxBatchRequests: readInteger(env, "AIG_BATCH_MAX_REQUESTS", 50_000),
  };
  if (settings.workers === 0 || settings.pollIntervalMs === 0 || settings.leaseMs === 0) {
    throw new ConfigError("AIG_JOB_WORKERS, AIG_JOB_POLL_INTERVAL_MS and AIG_JOB_LEASE_MS must be positive");
  }
  return settings;
}

function readConfigFile(path: string): ConfigFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new ConfigError(`Cannot read ${path}: ${(error as Error).message}`);
  }
  const parsed = configFileSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`Invalid ${path}:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

function readProviders(env: NodeJS.ProcessEnv, file: ConfigFile): ProviderConfig[] {
  const providers: ProviderConfig[] = knownProviders.map((known) => {
    const baseUrl = env[`${known.envPrefix}_BASE_URL`];
    const apiKeyEnv = known.apiKeyEnv ?? `${known.envPrefix}_API_KEY`;
    const settings: Record<string, string> = { ...known.defaultSettings };
    for (const [name, variable] of Object.entries(known.settingsEnv ?? {})) {
      const value = env[variable];
      if (value) settings[name] = value;
    }
    return {
      id: known.id,
      api: known.api ?? "openai",
      baseUrl: baseUrl || known.defaultBaseUrl,
      apiKey: env[apiKeyEnv] || undefined,
      setupHint: known.local ? `${known.envPrefix}_BASE_URL` : apiKeyEnv,
      // A local server counts as configured once its base URL is given.
      requiresApiKey: !known.local || !baseUrl,
      headers: {},
      settings,
    };
  });
  for (const [id, custom] of Object.entries(file.providers ?? {})) {
    const existing = providers.findIndex((provider) => provider.id === id);
    const provider: ProviderConfig = {
      id,
      api: "openai",
      baseUrl: custom.base_url,
      apiKey: custom.api_key_env ? env[custom.api_key_env] || undefined : undefined,
      setupHint: custom.api_key_env ?? `providers.${id}.base_url in the config file`,
      requiresApiKey: custom.api_key_env !== undefined,
      headers: custom.headers ?? {},
      settings: {},
    };
    if (existing >= 0) providers[existing] = provider;
    else providers.push(provider);
  }
  return providers;
}

/** Reads the environment and the optional config file; throws ConfigError with a readable message. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): GatewayConfig {
  const explicitPath = env.AIG_CONFIG;
  const defaultPath = resolve(cwd, "aigateway.config.json");
  let file: ConfigFile = {};
  if (explicitPath) file = readConfigFile(resolve(cwd, explicitPath));
  else if (existsSync(defaultPath)) file = readConfigFile(defaultPath);

  return {
    host: env.HOST || "0.0.0.0",
    port: readInteger(env, "PORT", 8080),
    dataDir: resolve(cwd, env.AIG_DATA_DIR || "data"),
    databaseUrl: env.DATABASE_URL || undefined,
    databaseMaxConnections: readInteger(env, "AIG_DATABASE_MAX_CONNECTIONS", 10),
    redisUrl: env.REDIS_URL || undefined,
    redisKeyPrefix: env.AIG_REDIS_KEY_PREFIX || "aig:",
    adminKey: env.AIG_ADMIN_KEY || undefined,
    bodyLimitBytes: readInteger(env, "AIG_BODY_LIMIT_BYTES", 20 * 1024 * 1024),
    timeouts: {
      connectMs: readInteger(env, "AIG_UPSTREAM_CONNECT_TIMEOUT_MS", file.timeouts?.connect_ms ?? 10_000),
      firstByteMs: readInteger(
        env,
        "AIG_UPSTREAM_FIRST_BYTE_TIMEOUT_MS",
        file.timeouts?.first_byte_ms ?? 300_000,
      ),
      idleMs: readInteger(env, "AIG_UPSTREAM_IDLE_TIMEOUT_MS", file.timeouts?.idle_ms ?? 120_000),
    },
    shutdownGraceMs: readInteger(env, "AIG_SHUTDOWN_GRACE_MS", 30_000),
    usageFlushIntervalMs: readInteger(env, "AIG_USAGE_FLUSH_INTERVAL_MS", 250),
    usageRetentionDays: readInteger(env, "AIG_USAGE_RETENTION_DAYS", 90),
    tierLimits: readTierLimitsOrFail(env),
    defaultTier: readDefaultTier(env),
    providers: readProviders(env, file),
    extraModels: file.models ?? [],
    fileMaxBytes: readInteger(env, "AIG_FILE_MAX_BYTES", 512 * 1024 * 1024),
    s3: readS3Settings(env),
    signingKeys: readSigningKeys(env),
    jobFileRetentionDays: readInteger(env, "AIG_JOB_FILE_RETENTION_DAYS", 7),
    publicBaseUrl: env.AIG_PUBLIC_BASE_URL?.replace(/\/+$/, "") || undefined,
    webhooks: readWebhookSettings(env, file),
    cache: readCacheSettings(env),
    routing: readRoutingSettings(env),
    jobs: readJobSettings(env),
  };
}
