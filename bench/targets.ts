// What is measured: the same chat request sent straight to the fake upstream (direct), through the
// floor forwarder, through our gateway, and optionally through Portkey. Each target but direct is
// its own process, so /proc gives its CPU and memory alone.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
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

export type TargetName = "direct" | "floor" | "aigateway" | "portkey";

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
    stop: async () => {
      await server.stop();
    },
  };
}

async function startOurGateway(options: TargetOptions): Promise<RunningTarget> {
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
      },
    },
  );
  try {
    await waitForHttp(server, `http://127.0.0.1:${port}/health`);
  } catch (error) {
    await server.stop();
    rmSync(dataDirectory, { recursive: true, force: true });
    throw error;
  }
  return {
    name: "aigateway",
    description: "our gateway (auth, usage log, cost on)",
    server,
    request: chatRequest(
      `http://127.0.0.1:${port}/v1/chat/completions`,
      { authorization: `Bearer ${benchAdminKey}` },
      "openai/gpt-4o-mini",
    ),
    stop: async () => {
      // SIGTERM: the gateway flushes its usage log and exits 0 (and writes a --cpu-prof profile).
      const code = await server.stop(30_000);
      if (code !== 0) options.log(`aigateway exited with ${code}:\n${server.outputTail()}`);
      rmSync(dataDirectory, { recursive: true, force: true });
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
  portkey: startPortkey,
};
