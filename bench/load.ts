// Load generation, always in a process of its own so its CPU is neither the target's nor the
// benchmark driver's. Debian's `wrk` (C, one thread) is preferred because it leaves more of a
// two-core machine to the target; autocannon (a devDependency) is the fallback anywhere wrk is not
// installed. Both report latency of the whole response (the last SSE byte for streams).
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

export type LoadTool = "wrk" | "autocannon";

export interface LoadRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface LoadResult {
  tool: LoadTool;
  connections: number;
  durationSeconds: number;
  /** Completed responses (any status). */
  requests: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  /** Socket errors and timeouts. */
  errors: number;
  /** Responses whose status was not 2xx. */
  non2xx: number;
}

export function wrkAvailable(): boolean {
  return spawnSync("sh", ["-c", "command -v wrk"], { stdio: "ignore" }).status === 0;
}

export function pickLoadTool(requested: string | undefined): LoadTool {
  if (requested === "wrk" || requested === "autocannon") return requested;
  if (requested !== undefined) throw new Error(`--load must be wrk or autocannon, got ${requested}`);
  return wrkAvailable() ? "wrk" : "autocannon";
}

function runProcess(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (text: string) => (stdout += text));
    child.stderr.setEncoding("utf8").on("data", (text: string) => (stderr += text));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`${command} exited with ${code}: ${stderr.slice(-2000)}`));
    });
  });
}

const resultMarker = "BENCH_RESULT ";

// wrk's done() hook prints one JSON line; latencies come out of wrk in microseconds. The body goes in
// a Lua long string so no escaping can go wrong.
function wrkScript(request: LoadRequest): string {
  const headerLines = Object.entries(request.headers)
    .map(([name, value]) => `wrk.headers[${JSON.stringify(name)}] = ${JSON.stringify(value)}`)
    .join("\n");
  return `wrk.method = "POST"
wrk.body = [==[${request.body}]==]
${headerLines}
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('${resultMarker}{"requests":%d,"duration_us":%d,"p50":%d,"p90":%d,"p99":%d,"max":%d,"errors":%d,"non2xx":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, e.connect + e.read + e.write + e.timeout, e.status))
end
`;
}

interface WrkReport {
  requests: number;
  duration_us: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  errors: number;
  non2xx: number;
}

async function runWrk(
  request: LoadRequest,
  connections: number,
  durationSeconds: number,
): Promise<LoadResult> {
  const directory = mkdtempSync(join(tmpdir(), "aig-bench-wrk-"));
  try {
    const scriptPath = join(directory, "request.lua");
    writeFileSync(scriptPath, wrkScript(request));
    const stdout = await runProcess("wrk", [
      "-t1",
      `-c${connections}`,
      `-d${durationSeconds}s`,
      "--timeout",
      "10s",
      "-s",
      scriptPath,
      request.url,
    ]);
    const line = stdout.split("\n").find((candidate) => candidate.startsWith(resultMarker));
    if (!line) throw new Error(`wrk printed no result:\n${stdout}`);
    const report = JSON.parse(line.slice(resultMarker.length)) as WrkReport;
    const seconds = report.duration_us / 1e6;
    return {
      tool: "wrk",
      connections,
      durationSeconds: seconds,
      requests: report.requests,
      requestsPerSecond: report.requests / seconds,
      latencyMs: {
        p50: report.p50 / 1000,
        p90: report.p90 / 1000,
        p99: report.p99 / 1000,
        max: report.max / 1000,
      },
      errors: report.errors,
      non2xx: report.non2xx,
    };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

interface AutocannonReport {
  duration: number;
  requests: { total: number };
  latency: { p50: number; p90: number; p99: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}

async function runAutocannon(
  request: LoadRequest,
  connections: number,
  durationSeconds: number,
): Promise<LoadResult> {
  const bin = createRequire(import.meta.url).resolve("autocannon/autocannon.js");
  const headerArgs = Object.entries(request.headers).flatMap(([name, value]) => ["-H", `${name}=${value}`]);
  const stdout = await runProcess(process.execPath, [
    bin,
    "-j",
    "-c",
    String(connections),
    "-d",
    String(durationSeconds),
    "-t",
    "10",
    "-m",
    "POST",
    ...headerArgs,
    "-b",
    request.body,
    request.url,
  ]);
  const report = JSON.parse(stdout) as AutocannonReport;
  return {
    tool: "autocannon",
    connections,
    durationSeconds: report.duration,
    requests: report.requests.total,
    requestsPerSecond: report.requests.total / report.duration,
    latencyMs: {
      p50: report.latency.p50,
      p90: report.latency.p90,
      p99: report.latency.p99,
      max: report.latency.max,
    },
    errors: report.errors + report.timeouts,
    non2xx: report.non2xx,
  };
}

export function runLoad(
  tool: LoadTool,
  request: LoadRequest,
  connections: number,
  durationSeconds: number,
): Promise<LoadResult> {
  return tool === "wrk"
    ? runWrk(request, connections, durationSeconds)
    : runAutocannon(request, connections, durationSeconds);
}
