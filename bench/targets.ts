// What is measured: the same chat request sent straight to the fake upstream (direct), through the
// floor forwarder, through our gateway, and optionally through Portkey. Each target but direct is
// its own process, so /proc gives its CPU and memory alone.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PostgresTestSchemas } from "../packages/gateway/test/storage/postgres-test-schemas.ts";
import type { LoadRequest } from "./load.ts";
import { installPortkey } from "./portkey.ts";
import {
  freePort,
  readAnnouncedPort,
  startServer,
  waitForHttp,
  type ServerProcess,
} from "./server-process.ts";

export const repositoryRoot = fileURLToPath(new URL("../", import.meta.url));
export const benchAdminKey = "sk-aig-bench-0123456789abcdef";

export type TargetName =
  | "direct"
  | "floor"
  | "aigateway"
  | "aigateway-money"
  | "aigateway-scaled"
  | "aigateway-routed"
  | "aigateway-cached"
  | "portkey";

export interface TargetOptions {
  /** e.g. http://127.0.0.1:1234/v1 */
  upstreamBaseUrl: string;
  /** Extra node flags for the floor and our gateway (bench/profile.ts uses --cpu-prof). */
  nodeArgs?: string[];
  log: (line: string) => void;
}

export interface RunningTarget {
  name: TargetName;
  description: string;
  /** The measured process; undefined for direct, where there is no process between client and fake. */
  server: ServerProcess | undefined;
  request(stream: boolean): LoadRequest;
  /**
   * The request of the Anthropic-upstream cases, when the target can serve them: our gateway takes the
   * OpenAI shape for a model routed to Anthropic; direct and the floor send Anthropic's own shape.
   */
  anthropicRequest?(stream: boolean): LoadRequest;
  stop(): Promise<void>;
}

const prompt = [{ role: "user", content: "Invent a new holiday and describe its traditions." }];

function chatRequest(url: string, headers: Record<string, string>, model: string) {
  return (stream: boolean): LoadRequest => ({
    url,
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(stream ? { model, messages: prompt, stream: true } : { model, messages: prompt }),
  });
}

/** The catalog model the Anthropic cases call, and the id our gateway sends upstream for it. */
const anthropicModel = { slug: "anthropic/claude-haiku-4.5", upstreamId: "claude-haiku-4-5-20251001" };

/** Anthropic's Messages shape, for the targets that relay it without translating (direct, floor). */
function messagesRequest(url: string) {
  return (stream: boolean): LoadRequest => ({
    url,
    headers: { "content-type": "application/json", "x-api-key": "bench", "anthropic-version": "2023-06-01" },
    body: JSON.stringify({
      model: anthropicModel.upstreamId,
      max_tokens: 1024,
      messages: prompt,
      ...(stream ? { stream: true } : {}),
    }),
  });
}

async function startDirect(options: TargetOptions): Promise<RunningTarget> {
  return {
    name: "direct",
    description: "load generator → fake upstream",
    server: undefined,
    request: chatRequest(
      `${options.upstreamBaseUrl}/chat/completions`,
      { authorization: "Bearer bench" },
      "gpt-4o-mini",
    ),
    anthropicRequest: messagesRequest(`${options.upstreamBaseUrl}/messages`),
    stop: async () => {},
  };
}

async function startFloor(options: TargetOptions): Promise<RunningTarget> {
  const server = startServer(
    "floor",
    process.execPath,
    [...(options.nodeArgs ?? []), join(repositoryRoot, "bench/floor-forwarder.ts")],
    {
      env: { ...process.env, UPSTREAM_BASE_URL: options.upstreamBaseUrl },
    },
  );
  const port = await readAnnouncedPort(server);
  return {
    name: "floor",
    description: "bare node:http + undici Pool forwarder",
    server,
    request: chatRequest(
      `http://127.0.0.1:${port}/v1/chat/completions`,
      { authorization: "Bearer bench" },
      "gpt-4o-mini",
    ),
    // It relays Anthropic's bytes as they come: the least a non-translating Anthropic proxy does.
    anthropicRequest: messagesRequest(`http://127.0.0.1:${port}/v1/messages`),
    stop: async () => {
      await server.stop();
    },
  };
}

interface GatewayVariant {
  name: TargetName;
  description: string;
  /** Calls through a capped, tagged sub-account key (limits, reservation and settlement on). */
  money: boolean;
  /** PostgreSQL + Redis from DATABASE_URL / REDIS_URL instead of SQLite + memory. */
  scaled: boolean;
  /** The slug asked for; openai/gpt-4o-mini (one configured route) by default. */
  model?: string;
  headers?: Record<string, string>;
  env?: Record<string, string>;
}

/** A sub-account with a cap, a default tag, a per-tag budget and an allow-list: every money check runs. */
async function createMoneyKey(baseUrl: string): Promise<string> {
  const call = async (path: string, body: unknown) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${benchAdminKey}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as { key?: string };
  };
  await call("/v1/budgets", { tag: "bench", monthly_cap_cents: 900_000_000 });
  const created = await call("/v1/sub-accounts", {
    name: "bench customer",
    spend_cap_cents: 900_000_000,
    default_tag: "bench",
    allowed_models: ["openai/gpt-4o-mini", anthropicModel.slug],
  });
  if (!created.key) throw new Error("no sub-account key returned");
  return created.key;
}

function startOurGateway(options: TargetOptions): Promise<RunningTarget> {
  return startGatewayVariant(options, {
    name: "aigateway",
    description: "our gateway (auth, usage log, cost on)",
    money: false,
    scaled: false,
  });
}

async function startGatewayVariant(options: TargetOptions, variant: GatewayVariant): Promise<RunningTarget> {
  const databaseUrl = process.env.DATABASE_URL;
  const redisUrl = process.env.REDIS_URL;
  if (variant.scaled && (!databaseUrl || !redisUrl)) {
    throw new Error(`${variant.name} needs DATABASE_URL and REDIS_URL`);
  }
  // A fresh schema per run, so the bench never touches other data in the database.
  const schemas = variant.scaled && databaseUrl ? new PostgresTestSchemas(databaseUrl) : undefined;
  const schemaUrl = await schemas?.create();
  const port = await freePort();
  // A fresh data directory (and cwd, so no aigateway.config.json is picked up) per run.
  const dataDirectory = mkdtempSync(join(tmpdir(), "aig-bench-data-"));
  const server = startServer(
    "aigateway",
    process.execPath,
    [...(options.nodeArgs ?? []), join(repositoryRoot, "packages/gateway/src/main.ts")],
    {
      cwd: dataDirectory,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: "127.0.0.1",
        AIG_DATA_DIR: dataDirectory,
        AIG_ADMIN_KEY: benchAdminKey,
        OPENAI_API_KEY: "bench",
        OPENAI_BASE_URL: options.upstreamBaseUrl,
        // The adapter calls <base>/messages when the base ends in /v1, so the same fake serves both.
        ANTHROPIC_API_KEY: "bench",
        ANTHROPIC_BASE_URL: options.upstreamBaseUrl,
        // The load is far above any real tier: lift every tier's RPM so limits are counted, not hit.
        AIG_TIER_RPM: "enterprise=1000000000",
        DATABASE_URL: schemaUrl ?? "",
        REDIS_URL: variant.scaled ? (redisUrl ?? "") : "",
        AIG_REDIS_KEY_PREFIX: `aig-bench-${port}:`,
        ...variant.env,
      },
    },
  );
  const cleanUp = async () => {
    rmSync(dataDirectory, { recursive: true, force: true });
    await schemas?.dropAll();
  };
  let key = benchAdminKey;
  try {
    await waitForHttp(server, `http://127.0.0.1:${port}/health`);
    if (variant.money) key = await createMoneyKey(`http://127.0.0.1:${port}`);
  } catch (error) {
    await server.stop();
    await cleanUp();
    throw error;
  }
  return {
    name: variant.name,
    description: variant.description,
    server,
    request: chatRequest(
      `http://127.0.0.1:${port}/v1/chat/completions`,
      { authorization: `Bearer ${key}`, ...variant.headers },
      variant.model ?? "openai/gpt-4o-mini",
    ),
    anthropicRequest: chatRequest(
      `http://127.0.0.1:${port}/v1/chat/completions`,
      { authorization: `Bearer ${key}` },
      anthropicModel.slug,
    ),
    stop: async () => {
      // SIGTERM: the gateway flushes its usage log and exits 0 (and writes a --cpu-prof profile).
      const code = await server.stop(30_000);
      if (code !== 0) options.log(`${variant.name} exited with ${code}:\n${server.outputTail()}`);
      await cleanUp();
    },
  };
}

async function startPortkey(options: TargetOptions): Promise<RunningTarget> {
  const install = await installPortkey(options.log);
  const port = await freePort();
  // NODE_ENV=production as it would be deployed (it also turns off its per-request console log);
  // --headless skips its web console.
  const server = startServer("portkey", process.execPath, [install.entry, `--port=${port}`, "--headless"], {
    env: { ...process.env, NODE_ENV: "production" },
  });
  try {
    await waitForHttp(server, `http://127.0.0.1:${port}/`);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return {
    name: "portkey",
    description: `Portkey gateway ${install.version} (npm)`,
    server,
    request: chatRequest(
      `http://127.0.0.1:${port}/v1/chat/completions`,
      {
        authorization: "Bearer bench",
        "x-portkey-provider": "openai",
        "x-portkey-custom-host": options.upstreamBaseUrl,
      },
      "gpt-4o-mini",
    ),
    stop: async () => {
      await server.stop();
    },
  };
}

export const targetStarters: Record<TargetName, (options: TargetOptions) => Promise<RunningTarget>> = {
  direct: startDirect,
  floor: startFloor,
  aigateway: startOurGateway,
  "aigateway-money": (options) =>
    startGatewayVariant(options, {
      name: "aigateway-money",
      description: "our gateway, sub-account key: RPM limit, cap + budget reservation, tag, allow-list",
      money: true,
      scaled: false,
    }),
  "aigateway-scaled": (options) =>
    startGatewayVariant(options, {
      name: "aigateway-scaled",
      description: "our gateway on PostgreSQL + Redis, sub-account key with every money check",
      money: true,
      scaled: true,
    }),
  "aigateway-routed": (options) =>
    startGatewayVariant(options, {
      name: "aigateway-routed",
      description:
        "our gateway, a slug with 3 configured providers (Groq, Together, Fireworks): live ranking",
      money: false,
      scaled: false,
      model: "meta/llama-3.1-8b",
      env: Object.fromEntries(
        ["GROQ", "TOGETHER", "FIREWORKS"].flatMap((prefix) => [
          [`${prefix}_API_KEY`, "bench"],
          [`${prefix}_BASE_URL`, options.upstreamBaseUrl],
        ]),
      ),
    }),
  "aigateway-cached": (options) =>
    startGatewayVariant(options, {
      name: "aigateway-cached",
      description: "our gateway with `x-cache: force`: every request after the first is a cache hit",
      money: false,
      scaled: false,
      headers: { "x-cache": "force" },
    }),
  portkey: startPortkey,
};
