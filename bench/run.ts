// `npm run bench`: direct vs floor vs our gateway (vs Portkey with --portkey) over the same fake
// upstream, JSON and SSE at concurrency 1/16/64 plus a 50 ms "model" delay, the targets loaded in turn.
// Prints markdown tables and writes bench/results/<timestamp>.json. See docs/performance.md.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  anthropicFirstTokenMarker,
  anthropicStreamText,
  openaiFirstTokenMarker,
} from "./anthropic-recording.ts";
import { allCases, combineSlices, measureSlice, type BenchCase, type CaseSlice } from "./cases.ts";
import { checkAnthropicCaseResponse, checkResponse } from "./check-response.ts";
import { startFakeUpstream } from "./fake-upstream.ts";
import { pickLoadTool, runLoad } from "./load.ts";
import { clockTicksPerSecond, readMemory } from "./measure-process.ts";
import { checkGoals, renderMarkdown, type BenchResults, type TargetResult } from "./report.ts";
import { repositoryRoot, targetStarters, type RunningTarget, type TargetName } from "./targets.ts";
import { measureTtfb } from "./ttfb.ts";

const usage = `Usage: npm run bench -- [options]
  --duration <s>        measured seconds per case and target, split into rounds (default 6)
  --rounds <n>          rounds per case; each round loads every target in turn (default 3)
  --warmup <s>          warm-up seconds per case and target, same concurrency, not measured; each
                        process also gets 5× this at start, JSON and SSE (default 1)
  --ttfb-requests <n>   sequential requests for the time-to-first-byte median (default 1000)
  --portkey             also measure Portkey's gateway (npm install into a temp dir on first use)
  --targets <list>      comma-separated subset of direct,floor,aigateway,aigateway-money,
                        aigateway-scaled (needs DATABASE_URL and REDIS_URL),aigateway-routed,
                        aigateway-cached,portkey
  --cases <list>        comma-separated subset of ${allCases.map((benchCase) => benchCase.id).join(",")}
  --load <tool>         wrk or autocannon (default: wrk when installed, else autocannon)
  --node-flags=<flags>  extra node flags for the floor and our gateway (mind the =, the value starts
                        with a dash), e.g. --node-flags="--max-semi-space-size=8"`;

const { values: flags } = parseArgs({
  options: {
    duration: { type: "string", default: "6" },
    rounds: { type: "string", default: "3" },
    warmup: { type: "string", default: "1" },
    "ttfb-requests": { type: "string", default: "1000" },
    portkey: { type: "boolean", default: false },
    targets: { type: "string" },
    cases: { type: "string" },
    load: { type: "string" },
    "node-flags": { type: "string", default: "" },
    help: { type: "boolean", default: false },
  },
});
if (flags.help) {
  console.log(usage);
  process.exit(0);
}

function positiveNumber(name: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a non-negative number`);
  return value;
}

const rounds = Math.max(1, Math.round(positiveNumber("rounds", flags.rounds)));
// wrk takes whole seconds.
const sliceSeconds = Math.max(1, Math.round(positiveNumber("duration", flags.duration) / rounds));
const durationSeconds = sliceSeconds * rounds;
const warmupSeconds = Math.round(positiveNumber("warmup", flags.warmup));
const ttfbRequests = Math.max(1, Math.round(positiveNumber("ttfb-requests", flags["ttfb-requests"])));
const loadTool = pickLoadTool(flags.load);
const nodeFlags = flags["node-flags"].split(/\s+/).filter((flag) => flag.length > 0);

const knownTargets = Object.keys(targetStarters) as TargetName[];
const targetNames: TargetName[] = flags.targets
  ? flags.targets.split(",").map((name) => {
      if (!knownTargets.includes(name as TargetName)) throw new Error(`unknown target ${name}`);
      return name as TargetName;
    })
  : ["direct", "floor", "aigateway", ...(flags.portkey ? (["portkey"] as const) : [])];
const cases: BenchCase[] = flags.cases
  ? flags.cases.split(",").map((id) => {
      const found = allCases.find((benchCase) => benchCase.id === id);
      if (!found) throw new Error(`unknown case ${id}`);
      return found;
    })
  : allCases;

const log = (line: string): void => console.log(`[bench] ${line}`);

function readCommit(): string {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], {
      cwd: repositoryRoot,
      encoding: "utf8",
    }).trim();
  } catch {
    return "unknown";
  }
}

const startedAt = new Date();
const results: BenchResults = {
  startedAt: startedAt.toISOString(),
  finishedAt: "",
  commit: readCommit(),
  machine: {
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? "unknown",
    node: process.version,
    clockTicksPerSecond,
  },
  settings: { loadTool, durationSeconds, rounds, warmupSeconds, ttfbRequests, nodeFlags },
  cases,
  targets: [],
  goals: [],
};

log(
  `${results.machine.cpus} CPUs (${results.machine.cpuModel}), node ${process.version}, load: ${loadTool}, ` +
    `${cases.length} cases × ${targetNames.length} targets × (${warmupSeconds} s warm-up + ${rounds} rounds × ${sliceSeconds} s)`,
);
const upstream = await startFakeUpstream();
log(`fake upstream on ${upstream.baseUrl} (pid ${upstream.server.pid})`);
// Every target's time to first byte is compared with direct requests interleaved with its own.
const directTarget = await targetStarters.direct({ upstreamBaseUrl: upstream.baseUrl, log });

interface LiveTarget {
  result: TargetResult;
  target: RunningTarget;
  works: { json: boolean; stream: boolean; anthropic: boolean };
}

const wantsAnthropic = cases.some((benchCase) => benchCase.upstream === "anthropic");

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function fail(live: LiveTarget[], entry: LiveTarget, error: unknown): void {
  entry.result.error = describeError(error);
  log(`${entry.result.name}: stopped — ${entry.result.error}`);
  const output = entry.target.server?.outputTail().trim();
  if (output) log(`${entry.result.name} output (last lines):\n${output.split("\n").slice(-15).join("\n")}`);
  live.splice(live.indexOf(entry), 1);
}

// All targets run side by side. Each case goes round them in short rounds (floor, ours, floor, ours…)
// and sums the rounds, so the floor and our gateway are measured seconds apart, many times: whatever
// else the machine is doing then weighs on both alike. An idle target costs nothing meanwhile.
const live: LiveTarget[] = [];
try {
  for (const name of targetNames) {
    const result: TargetResult = { name, description: name, cases: [], peakRssKb: null };
    results.targets.push(result);
    let target: RunningTarget;
    try {
      target = await targetStarters[name]({ upstreamBaseUrl: upstream.baseUrl, nodeArgs: nodeFlags, log });
    } catch (error) {
      result.error = describeError(error);
      log(`${name}: skipped — ${result.error}`);
      continue;
    }
    result.description = target.description;
    log(`${name}: ${target.description}${target.server ? ` (pid ${target.server.pid})` : ""}`);
    // A target that cannot serve one kind (Portkey's SSE path, for one) is still measured on the other.
    const works = { json: true, stream: true, anthropic: false };
    for (const kind of ["json", "stream"] as const) {
      try {
        await checkResponse(target.request(kind === "stream"), kind === "stream");
      } catch (error) {
        works[kind] = false;
        // The server's own account of the failure, when it logged one, says more than its 500 does.
        const logged = /\w*error\b.*/i.exec(target.server?.outputTail() ?? "")?.[0];
        const reason = describeError(error) + (logged ? ` (logged: ${logged.trim()})` : "");
        (result.unsupported ??= {})[kind] = reason;
        log(`${name}: ${kind} requests fail, skipping those cases — ${reason.split("\n")[0] ?? ""}`);
      }
    }
    // The Anthropic-upstream cases need a target that can take them, and a correct relay of the text.
    const anthropicLoad = target.anthropicRequest?.(true);
    if (wantsAnthropic && !anthropicLoad) {
      (result.unsupported ??= {}).anthropic = "no Anthropic-upstream request defined for this target";
    } else if (wantsAnthropic && anthropicLoad) {
      try {
        await checkAnthropicCaseResponse(anthropicLoad, anthropicStreamText);
        works.anthropic = true;
      } catch (error) {
        (result.unsupported ??= {}).anthropic = describeError(error);
        log(`${name}: Anthropic-upstream requests fail, skipping those cases — ${describeError(error)}`);
      }
    }
    if (works.json || works.stream) live.push({ result, target, works });
    else {
      result.error = Object.values(result.unsupported ?? {}).join("; ");
      await target.stop();
    }
  }

  // One longer warm-up per process before anything is measured: V8 keeps optimising and growing its
  // young generation for several seconds, which otherwise lands on whichever case comes first.
  if (warmupSeconds > 0) {
    await upstream.setDelay(0);
    for (const entry of live) {
      if (entry.works.json) await runLoad(loadTool, entry.target.request(false), 16, warmupSeconds * 3);
      if (entry.works.stream) await runLoad(loadTool, entry.target.request(true), 16, warmupSeconds * 2);
      const anthropicLoad = entry.target.anthropicRequest?.(true);
      if (entry.works.anthropic && anthropicLoad)
        await runLoad(loadTool, anthropicLoad, 16, warmupSeconds * 2);
    }
  }

  for (const benchCase of cases) {
    const slices = new Map<LiveTarget, CaseSlice[]>();
    for (let round = 0; round < rounds; round++) {
      for (const entry of [...live]) {
        if (!entry.works[benchCase.stream ? "stream" : "json"]) continue;
        if (benchCase.upstream === "anthropic" && !entry.works.anthropic) continue;
        try {
          const slice = await measureSlice(entry.target, upstream, benchCase, {
            tool: loadTool,
            durationSeconds: sliceSeconds,
            warmupSeconds: round === 0 ? warmupSeconds : 0,
          });
          slices.set(entry, [...(slices.get(entry) ?? []), slice]);
        } catch (error) {
          fail(live, entry, error);
          slices.delete(entry);
          await entry.target.stop();
        }
      }
    }
    for (const [entry, measuredSlices] of slices) {
      const measured = combineSlices(benchCase.id, measuredSlices);
      entry.result.cases.push(measured);
      const { load } = measured;
      const perRound = measured.roundCpuMicrosecondsPerRequest.map((cpu) => cpu?.toFixed(0) ?? "—").join("/");
      log(
        `${benchCase.id} ${entry.result.name}: ${load.requestsPerSecond.toFixed(0)} req/s, ` +
          `p50 ${load.latencyMs.p50.toFixed(2)} ms, p99 ${load.latencyMs.p99.toFixed(2)} ms, ` +
          `CPU ${measured.cpuMicrosecondsPerRequest?.toFixed(0) ?? "—"} µs/req (rounds ${perRound})` +
          (load.errors + load.non2xx > 0 ? `, ${load.errors} errors, ${load.non2xx} non-2xx` : ""),
      );
    }
  }

  // Last, so every target's JIT is warm: a freshly started process would measure its compiler.
  await upstream.setDelay(0);
  for (const entry of [...live]) {
    const { result, target, works } = entry;
    try {
      const baseline = target.name === "direct" ? undefined : directTarget;
      result.ttfb = {};
      if (works.json) {
        result.ttfb.json = await measureTtfb(
          target.request(false),
          baseline?.request(false),
          false,
          ttfbRequests,
        );
      }
      if (works.stream) {
        result.ttfb.stream = await measureTtfb(
          target.request(true),
          baseline?.request(true),
          true,
          ttfbRequests,
        );
      }
      log(
        `${result.name}: TTFB median JSON ${result.ttfb.json?.medianMs.toFixed(2) ?? "—"} ms, ` +
          `SSE ${result.ttfb.stream?.medianMs.toFixed(2) ?? "—"} ms`,
      );
      // Time to the first token's bytes (not the first event: a translated stream's first chunk holds
      // only the role), Anthropic translated beside OpenAI passed through, each against direct.
      const anthropicLoad = target.anthropicRequest?.(true);
      const baselineAnthropicLoad = baseline?.anthropicRequest?.(true);
      if (works.anthropic && baseline && anthropicLoad && baselineAnthropicLoad) {
        const passThrough = await measureTtfb(
          target.request(true),
          baseline.request(true),
          true,
          ttfbRequests,
          200,
          openaiFirstTokenMarker,
        );
        const anthropic = await measureTtfb(
          anthropicLoad,
          baselineAnthropicLoad,
          true,
          ttfbRequests,
          200,
          anthropicFirstTokenMarker,
        );
        result.firstToken = { passThrough, anthropic };
        log(
          `${result.name}: first token median, OpenAI pass-through ${passThrough.medianMs.toFixed(2)} ms, ` +
            `Anthropic upstream ${anthropic.medianMs.toFixed(2)} ms`,
        );
      }
      if (target.server) result.peakRssKb = readMemory(target.server.pid).peakRssKb;
    } catch (error) {
      fail(live, entry, error);
      await target.stop();
    }
  }
} finally {
  for (const entry of live) await entry.target.stop();
  await upstream.server.stop();
}

results.finishedAt = new Date().toISOString();
results.goals = checkGoals(results.targets, results.cases);
const resultsDirectory = join(repositoryRoot, "bench/results");
mkdirSync(resultsDirectory, { recursive: true });
const resultsPath = join(resultsDirectory, `${results.startedAt.replace(/[:.]/g, "-")}.json`);
writeFileSync(resultsPath, `${JSON.stringify(results, null, 2)}\n`);

console.log("");
console.log(
  `### Benchmark ${results.startedAt.slice(0, 10)}, commit ${results.commit}, ${results.machine.cpus} CPUs, ` +
    `node ${results.machine.node}${nodeFlags.length > 0 ? ` ${nodeFlags.join(" ")}` : ""}, ${loadTool}, ${rounds} × ${sliceSeconds} s per case and target`,
);
console.log("");
console.log(renderMarkdown(results));
log(`results written to ${resultsPath}`);
