// `node bench/profile.ts [--target aigateway|floor] [--case json-c16] [--duration 10]`: where a target's
// CPU goes. Runs the target under `node --cpu-prof` against the fake upstream, loads it with one
// case, stops it with SIGTERM (node writes the profile on exit), then prints self time per function
// and per area of the request path. Areas are decided from each function's script URL.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { allCases } from "./cases.ts";
import { startFakeUpstream } from "./fake-upstream.ts";
import { pickLoadTool, runLoad } from "./load.ts";
import { repositoryRoot, targetStarters } from "./targets.ts";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface CpuProfile {
  nodes: { id: number; callFrame: CallFrame }[];
  /** Microseconds on the monotonic clock, the same one process.hrtime reads. */
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Only samples inside the measured load count: not startup (type stripping, imports), warm-up or exit. */
interface Window {
  fromMicros: number;
  toMicros: number;
}

const monotonicMicros = (): number => Number(process.hrtime.bigint() / 1000n);

const { values: flags } = parseArgs({
  options: {
    target: { type: "string", default: "aigateway" },
    case: { type: "string", default: "json-c16" },
    duration: { type: "string", default: "10" },
    top: { type: "string", default: "30" },
    load: { type: "string" },
  },
});

const targetName = flags.target;
if (targetName !== "aigateway" && targetName !== "floor")
  throw new Error("--target must be aigateway or floor");
const benchCase = allCases.find((candidate) => candidate.id === flags.case);
if (!benchCase) throw new Error(`unknown case ${flags.case}`);
const durationSeconds = Number(flags.duration);
const loadTool = pickLoadTool(flags.load);

// The areas a reader of docs/performance.md cares about, first match wins.
const areaRules: [RegExp, string][] = [
  [
    /node_modules\/fast-json-stringify|node_modules\/@fastify\/fast-json-stringify/,
    "fastify: response serializer",
  ],
  [/node_modules\/find-my-way/, "fastify: router (find-my-way)"],
  [
    /node_modules\/(fastify|@fastify|avvio|light-my-request|fastq|toad-cache|secure-json-parse)\//,
    "fastify: hooks, request/reply",
  ],
  [/node_modules\/zod\//, "zod validation"],
  [/node_modules\/undici\//, "undici (upstream client)"],
  [/packages\/protocol\//, "protocol package (SSE codec, errors)"],
  [/packages\/gateway\/src\/([\w-]+)\//, "gateway: $1"],
  [/packages\/gateway\/src\//, "gateway: other"],
  [/bench\/floor-forwarder/, "floor forwarder"],
  [/node_modules\/([^/]+)\//, "dependency: $1"],
  [/^node:(internal\/)?(_http|http)/, "node: http server/client"],
  [/^node:(internal\/)?(streams?|stream\/)/, "node: streams"],
  [/^node:(internal\/)?(net|stream_base_commons|dns)/, "node: sockets"],
  [/^node:(internal\/)?(crypto)/, "node: crypto"],
  [/^node:(internal\/)?(sqlite)/, "node: sqlite"],
  [/^node:(internal\/)?(process|timers|async_hooks|event_target|events)/, "node: event loop, timers, events"],
  [/^node:/, "node: other core"],
];

function areaOf(frame: CallFrame): string {
  if (frame.functionName === "(garbage collector)") return "V8: garbage collector";
  if (frame.functionName === "(program)") return "V8/native: (program)";
  if (frame.functionName === "(idle)") return "(idle)";
  if (frame.url === "") {
    if (/^(parse|stringify|JSON\.)/.test(frame.functionName)) return "JSON.parse / JSON.stringify (V8)";
    // StreamBase's write*String/writev/writeBuffer encode and write to the socket synchronously: this
    // is mostly the send() syscall.
    if (/^(write\w*|writev|readStart|readStop|shutdown|close|getpeername)$/.test(frame.functionName)) {
      return "socket writes (native, mostly syscalls)";
    }
    return "native (other V8 builtins, bindings)";
  }
  const url = frame.url.replace(/^file:\/\//, "");
  for (const [pattern, label] of areaRules) {
    const match = pattern.exec(url);
    if (match) return label.replace("$1", match[1] ?? "");
  }
  return "other";
}

function shortUrl(url: string): string {
  return url
    .replace(/^file:\/\//, "")
    .replace(repositoryRoot, "")
    .replace(/^.*node_modules\//, "");
}

function summarise(profile: CpuProfile, window: Window, requests: number, top: number): string {
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const selfByFunction = new Map<string, { frame: CallFrame; micros: number }>();
  let total = 0;
  let sampledAt = profile.startTime;
  // timeDeltas[i] is the time since the previous sample; timeDeltas[i + 1] the time until the next
  // one, spent where sample i was taken.
  profile.samples.forEach((nodeId, index) => {
    sampledAt += profile.timeDeltas[index] ?? 0;
    if (sampledAt < window.fromMicros || sampledAt > window.toMicros) return;
    const frame = frames.get(nodeId);
    const micros = profile.timeDeltas[index + 1] ?? 0;
    if (!frame || frame.functionName === "(idle)") return;
    total += micros;
    const key = `${frame.functionName}|${frame.url}|${frame.lineNumber}`;
    const entry = selfByFunction.get(key) ?? { frame, micros: 0 };
    entry.micros += micros;
    selfByFunction.set(key, entry);
  });
  const byArea = new Map<string, number>();
  for (const { frame, micros } of selfByFunction.values()) {
    const area = areaOf(frame);
    byArea.set(area, (byArea.get(area) ?? 0) + micros);
  }
  if (total === 0) throw new Error("no profile samples fell inside the measured window");
  const percent = (micros: number): string => ((micros / total) * 100).toFixed(1);
  const perRequest = (micros: number): string => (micros / requests).toFixed(1);
  const lines = [
    `Busy (non-idle) CPU sampled in the measured window: ${(total / 1000).toFixed(0)} ms, ` +
      `${requests} requests, ${perRequest(total)} µs/request (the profiler itself adds some)`,
    "",
    "| area | self % | µs/request |",
    "| --- | ---: | ---: |",
    ...[...byArea]
      .sort((a, b) => b[1] - a[1])
      .filter(([, micros]) => micros / total >= 0.005)
      .map(([area, micros]) => `| ${area} | ${percent(micros)} | ${perRequest(micros)} |`),
    "",
    "| function | where | area | self % | µs/request |",
    "| --- | --- | --- | ---: | ---: |",
    ...[...selfByFunction.values()]
      .sort((a, b) => b.micros - a.micros)
      .slice(0, top)
      .map(
        ({ frame, micros }) =>
          `| ${frame.functionName || "(anonymous)"} | ${frame.url ? `${shortUrl(frame.url)}:${frame.lineNumber + 1}` : "—"} | ${areaOf(frame)} | ${percent(micros)} | ${perRequest(micros)} |`,
      ),
  ];
  return lines.join("\n");
}

const profileDirectory = mkdtempSync(join(tmpdir(), "aig-bench-profile-"));
const upstream = await startFakeUpstream();
const window: Window = { fromMicros: 0, toMicros: 0 };
const measured = { requests: 0 };
try {
  const target = await targetStarters[targetName]({
    upstreamBaseUrl: upstream.baseUrl,
    nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${profileDirectory}`],
    log: (line) => console.log(`[profile] ${line}`),
  });
  try {
    await upstream.setDelay(benchCase.delayMs);
    const request = target.request(benchCase.stream);
    await runLoad(loadTool, request, benchCase.connections, 2);
    window.fromMicros = monotonicMicros();
    const load = await runLoad(loadTool, request, benchCase.connections, durationSeconds);
    window.toMicros = monotonicMicros();
    measured.requests = load.requests;
    console.log(
      `[profile] ${targetName} ${benchCase.id}: ${load.requests} requests, ${load.requestsPerSecond.toFixed(0)} req/s (${loadTool})`,
    );
  } finally {
    await target.stop();
  }
  const file = readdirSync(profileDirectory).find((name) => name.endsWith(".cpuprofile"));
  if (!file) throw new Error(`no .cpuprofile written in ${profileDirectory}`);
  const profile = JSON.parse(readFileSync(join(profileDirectory, file), "utf8")) as CpuProfile;
  console.log(
    `\n### CPU profile: ${targetName}, ${benchCase.id}, ${durationSeconds} s (+2 s warm-up) under ${loadTool}\n`,
  );
  console.log(summarise(profile, window, Math.max(1, measured.requests), Number(flags.top)));
} finally {
  await upstream.server.stop();
  rmSync(profileDirectory, { recursive: true, force: true });
}
