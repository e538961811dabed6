import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import type { CatalogModelEntry } from "../catalog/catalog-schema.ts";
import type { ProviderConfig } from "../providers/provider-adapter.ts";
import { configFileSchema, type ConfigFile } from "./config-file-schema.ts";
import { knownProviders } from "./known-providers.ts";

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
  /** Every provider the gateway knows, configured or not (unconfigured ones have no key). */
  providers: ProviderConfig[];
  extraModels: CatalogModelEntry[];
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

function readInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw new ConfigError(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
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
    providers: readProviders(env, file),
    extraModels: file.models ?? [],
  };
}
