// Starting, watching and stopping the server processes under test. Each server is spawned directly
// (no shell, no npx wrapper) so the child's pid is the process whose CPU and memory are measured.
import { spawn, type ChildProcessByStdio } from "node:child_process";
import { request as httpRequest } from "node:http";
import { createServer } from "node:net";
import type { Readable } from "node:stream";

type ServerChild = ChildProcessByStdio<null, Readable, Readable>;

export interface ServerProcess {
  name: string;
  pid: number;
  child: ServerChild;
  /** The last few kilobytes of stdout and stderr, for error messages. */
  outputTail(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code (null when killed). */
  stop(graceMs?: number): Promise<number | null>;
}

const tailLimit = 8_000;

// Every server still running when the driver exits (an error, Ctrl-C) is killed with it, so a failed
// run never leaves a fake upstream or gateway listening.
const running = new Set<ServerChild>();
process.on("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(130));

export function startServer(
  name: string,
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): ServerProcess {
  const child = spawn(command, args, {
    env: options.env ?? process.env,
    cwd: options.cwd,
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (child.pid === undefined) throw new Error(`could not start ${name}: ${command} ${args.join(" ")}`);
  running.add(child);
  let tail = "";
  // Always drain both pipes: a server blocked on a full stdout pipe would measure as slow.
  const keep = (text: string): void => {
    tail = (tail + text).slice(-tailLimit);
  };
  child.stdout.setEncoding("utf8").on("data", keep);
  child.stderr.setEncoding("utf8").on("data", keep);
  const exited = new Promise<number | null>((resolve) =>
    child.on("exit", (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  return {
    name,
    pid: child.pid,
    child,
    outputTail: () => tail,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Waits for the `{"port":N}` line our own bench servers print once listening. */
export function readAnnouncedPort(server: ServerProcess, timeoutMs = 15_000): Promise<number> {
  return new Promise((resolve, reject) => {
    let buffered = "";
    const timer = setTimeout(
      () => finish(new Error(`${server.name} did not start in ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onData = (text: string): void => {
      buffered += text;
      for (const line of buffered.split("\n")) {
        const match = /^\{"port":(\d+)\}$/.exec(line.trim());
        if (match?.[1]) finish(undefined, Number(match[1]));
      }
    };
    const onExit = (code: number | null): void =>
      finish(new Error(`${server.name} exited (${code}) before listening:\n${server.outputTail()}`));
    function finish(error: Error | undefined, port?: number): void {
      clearTimeout(timer);
      server.child.stdout.off("data", onData);
      server.child.off("exit", onExit);
      if (error) reject(error);
      else if (port !== undefined) resolve(port);
    }
    server.child.stdout.on("data", onData);
    server.child.on("exit", onExit);
  });
}

function probe(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(url, { method: "GET", timeout: 1_000 }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    outgoing.on("timeout", () => outgoing.destroy(new Error("timeout")));
    outgoing.on("error", reject);
    outgoing.end();
  });
}

/** Polls `url` until it answers below 500 (any route answering means the server is listening). */
export async function waitForHttp(server: ServerProcess, url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (server.child.exitCode !== null || server.child.signalCode !== null) {
      throw new Error(
        `${server.name} exited (${server.child.exitCode}) before ready:\n${server.outputTail()}`,
      );
    }
    try {
      if ((await probe(url)) < 500) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      throw new Error(`${server.name} not ready at ${url} after ${timeoutMs} ms:\n${server.outputTail()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A port that was free a moment ago, for servers that must be told their port up front. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probeServer = createServer();
    probeServer.on("error", reject);
    probeServer.listen(0, "127.0.0.1", () => {
      const address = probeServer.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      probeServer.close(() => resolve(port));
    });
  });
}
