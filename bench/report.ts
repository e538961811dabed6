// The result file's shape, the goal checks from the benchmark issue, and the markdown tables printed
// at the end of a run (and pasted into docs/performance.md).
import type { BenchCase, CaseResult } from "./cases.ts";
import type { LoadTool } from "./load.ts";
import type { TargetName } from "./targets.ts";
import type { PairedTtfbResult, TtfbResult } from "./ttfb.ts";

export interface TargetResult {
  name: TargetName;
  description: string;
  /** Why the target was skipped or stopped early. */
  error?: string;
  /** Kinds of request the target failed on before loading (those cases are skipped), and why. */
  unsupported?: { json?: string; stream?: string; anthropic?: string };
  ttfb?: { json?: TtfbResult | PairedTtfbResult; stream?: TtfbResult | PairedTtfbResult };
  /** Time to the first token's bytes at c=1, OpenAI passed through and Anthropic translated. */
  firstToken?: { passThrough: TtfbResult | PairedTtfbResult; anthropic: TtfbResult | PairedTtfbResult };
  cases: CaseResult[];
  /** VmHWM just before the target was stopped: its peak RSS over the whole run. */
  peakRssKb: number | null;
}

export interface GoalCheck {
  goal: string;
  measured: string;
  met: boolean;
}

export interface BenchResults {
  startedAt: string;
  finishedAt: string;
  commit: string;
  machine: { cpus: number; cpuModel: string; node: string; clockTicksPerSecond: number };
  settings: {
    loadTool: LoadTool;
    /** Measured seconds per case and target, all rounds together. */
    durationSeconds: number;
    rounds: number;
    warmupSeconds: number;
    ttfbRequests: number;
    /** Extra node flags given to the floor and our gateway. */
    nodeFlags: string[];
  };
  cases: BenchCase[];
  targets: TargetResult[];
  goals: GoalCheck[];
}

const ms = (value: number): string => value.toFixed(2);
const signedMs = (value: number): string => (value >= 0 ? "+" : "") + value.toFixed(2);
const mb = (kb: number | null): string => (kb === null ? "—" : (kb / 1024).toFixed(0));

/** The paired difference when the target was measured interleaved with direct requests. */
function addedTtfb(result: TtfbResult | PairedTtfbResult): number | undefined {
  return "addedMedianMs" in result ? result.addedMedianMs : undefined;
}

function findCase(target: TargetResult | undefined, caseId: string): CaseResult | undefined {
  return target?.cases.find((result) => result.caseId === caseId);
}

/**
 * The goals are about the pass-through path: the Anthropic-upstream cases (translation, which the
 * floor does not do) are reported in their own table instead of against the floor's ratio.
 */
export function checkGoals(targets: TargetResult[], cases: BenchCase[] = []): GoalCheck[] {
  const translated = new Set(
    cases.filter((benchCase) => benchCase.upstream === "anthropic").map((benchCase) => benchCase.id),
  );
  const byName = (name: TargetName) => targets.find((target) => target.name === name);
  const ours = byName("aigateway");
  const floor = byName("floor");
  const goals: GoalCheck[] = [];

  const ratios: string[] = [];
  let worst = 0;
  for (const result of ours?.cases ?? []) {
    if (translated.has(result.caseId)) continue;
    const floorCpu = findCase(floor, result.caseId)?.cpuMicrosecondsPerRequest;
    if (!floorCpu || result.cpuMicrosecondsPerRequest === null) continue;
    const ratio = result.cpuMicrosecondsPerRequest / floorCpu;
    worst = Math.max(worst, ratio);
    ratios.push(`${result.caseId} ${ratio.toFixed(2)}×`);
  }
  if (ratios.length > 0) {
    goals.push({
      goal: "CPU per request ≤ 1.5× the floor's (every case)",
      measured: ratios.join(", "),
      met: worst <= 1.5,
    });
  }

  const addedJson = ours?.ttfb?.json ? addedTtfb(ours.ttfb.json) : undefined;
  const addedStream = ours?.ttfb?.stream ? addedTtfb(ours.ttfb.stream) : undefined;
  if (addedJson !== undefined && addedStream !== undefined) {
    goals.push({
      goal: "added time to first byte < 0.5 ms at concurrency 1 (median)",
      measured: `JSON ${signedMs(addedJson)} ms, SSE ${signedMs(addedStream)} ms`,
      met: addedJson < 0.5 && addedStream < 0.5,
    });
  }

  if (ours?.peakRssKb) {
    goals.push({
      goal: "peak RSS < 150 MB",
      measured: `${mb(ours.peakRssKb)} MB`,
      met: ours.peakRssKb / 1024 < 150,
    });
  }
  return goals;
}

function describeCase(benchCase: BenchCase): string {
  const chunks = benchCase.chunksPerStream ?? 20;
  const kind =
    benchCase.upstream === "anthropic"
      ? `Anthropic upstream SSE (${chunks} events), our gateway translates to OpenAI chunks`
      : benchCase.stream
        ? `SSE stream (${chunks} chunks)`
        : "JSON";
  const delay = benchCase.delayMs > 0 ? `, upstream waits ${benchCase.delayMs} ms` : "";
  return `${benchCase.id}: ${kind}, ${benchCase.connections} connection${benchCase.connections === 1 ? "" : "s"}${delay}`;
}

export function renderMarkdown(results: BenchResults): string {
  const lines: string[] = [];
  const direct = results.targets.find((target) => target.name === "direct");
  const floor = results.targets.find((target) => target.name === "floor");
  const measured = results.targets.filter((target) => target.cases.length > 0);

  for (const benchCase of results.cases) {
    lines.push(`#### ${describeCase(benchCase)}`, "");
    lines.push(
      "| target | req/s | p50 ms | p99 ms | added p50 ms | added p99 ms | CPU µs/req | × floor | max RSS MB | errors |",
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    );
    const baseline = findCase(direct, benchCase.id);
    const floorCpu = findCase(floor, benchCase.id)?.cpuMicrosecondsPerRequest ?? null;
    for (const target of measured) {
      const result = findCase(target, benchCase.id);
      if (!result) continue;
      const { load } = result;
      const added = (value: number, base: number | undefined): string =>
        target.name === "direct" || base === undefined ? "—" : signedMs(value - base);
      const cpu = result.cpuMicrosecondsPerRequest;
      lines.push(
        `| ${target.name} | ${load.requestsPerSecond.toFixed(0)} | ${ms(load.latencyMs.p50)} | ${ms(load.latencyMs.p99)} | ` +
          `${added(load.latencyMs.p50, baseline?.load.latencyMs.p50)} | ${added(load.latencyMs.p99, baseline?.load.latencyMs.p99)} | ` +
          `${cpu === null ? "—" : cpu.toFixed(0)} | ${cpu === null || floorCpu === null ? "—" : (cpu / floorCpu).toFixed(2)} | ` +
          `${mb(result.maxRssKb)} | ${load.errors + load.non2xx} |`,
      );
    }
    lines.push("");
  }

  lines.push(
    `#### Time to first byte, concurrency 1 (median of ${results.settings.ttfbRequests} sequential requests)`,
    "",
  );
  lines.push(
    "Each target's requests alternate, in blocks of 20, with direct requests on their own connection; " +
      "_added_ is the target's median minus those direct requests' median.",
    "",
    "| target | JSON median ms | JSON p90 ms | added JSON ms | SSE first event median ms | SSE p90 ms | added SSE ms |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
  );
  for (const target of results.targets) {
    if (!target.ttfb) continue;
    const { json, stream } = target.ttfb;
    const columns = (result: TtfbResult | PairedTtfbResult | undefined): string => {
      if (!result) return "n/a | n/a | n/a";
      const added = addedTtfb(result);
      return `${ms(result.medianMs)} | ${ms(result.p90Ms)} | ${added === undefined ? "—" : signedMs(added)}`;
    };
    lines.push(`| ${target.name} | ${columns(json)} | ${columns(stream)} |`);
  }
  lines.push("");

  lines.push(...renderAnthropicComparison(results));

  lines.push("#### Peak RSS over the whole run (VmHWM)", "", "| target | peak RSS MB |", "| --- | ---: |");
  for (const target of results.targets) {
    if (target.peakRssKb !== null) lines.push(`| ${target.name} | ${mb(target.peakRssKb)} |`);
  }
  lines.push("");

  const skipped = results.targets.filter((target) => target.error ?? target.unsupported);
  if (skipped.length > 0) {
    lines.push("#### Skipped or failed", "");
    const firstLine = (text: string): string => text.split("\n")[0] ?? "";
    for (const target of skipped) {
      if (target.error) lines.push(`- ${target.name}: ${firstLine(target.error)}`);
      for (const [kind, reason] of Object.entries(target.unsupported ?? {})) {
        const label = kind === "stream" ? "SSE" : kind === "anthropic" ? "Anthropic-upstream" : "JSON";
        lines.push(`- ${target.name}, ${label} cases skipped: ${firstLine(reason)}`);
      }
    }
    lines.push("");
  }

  lines.push("#### Goals (our gateway)", "", "| goal | measured | met |", "| --- | --- | --- |");
  for (const goal of results.goals)
    lines.push(`| ${goal.goal} | ${goal.measured} | ${goal.met ? "yes" : "**no**"} |`);
  lines.push("");
  return lines.join("\n");
}

/** The pass-through case an Anthropic-upstream case is compared with: same concurrency, OpenAI SSE. */
function findPassThroughCase(cases: BenchCase[], anthropicCase: BenchCase): BenchCase | undefined {
  return cases.find(
    (benchCase) =>
      benchCase.upstream === undefined &&
      benchCase.stream &&
      benchCase.delayMs === anthropicCase.delayMs &&
      benchCase.connections === anthropicCase.connections,
  );
}

function perChunk(result: CaseResult | undefined, benchCase: BenchCase): number | null {
  const cpu = result?.cpuMicrosecondsPerRequest ?? null;
  return cpu === null || !benchCase.chunksPerStream ? null : cpu / benchCase.chunksPerStream;
}

/** CPU per chunk and time to first token of the Anthropic-upstream cases beside OpenAI pass-through. */
function renderAnthropicComparison(results: BenchResults): string[] {
  const anthropicCases = results.cases.filter((benchCase) => benchCase.upstream === "anthropic");
  if (anthropicCases.length === 0) return [];
  const lines = [
    "#### Anthropic upstream (translated) beside OpenAI pass-through",
    "",
    "CPU per chunk = CPU µs per request ÷ upstream events per stream (OpenAI pass-through: 20 chunks; " +
      "Anthropic: the recorded stream's events, `ping` included). Same run, same fake upstream.",
    "",
    "| target | connections | pass-through µs/req | pass-through µs/chunk | Anthropic µs/req | Anthropic µs/chunk | × per chunk |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  const fixed = (value: number | null | undefined, digits = 0): string =>
    value === null || value === undefined ? "—" : value.toFixed(digits);
  for (const anthropicCase of anthropicCases) {
    const passThroughCase = findPassThroughCase(results.cases, anthropicCase);
    for (const target of results.targets) {
      const translated = findCase(target, anthropicCase.id);
      // Direct has no process of its own, so no CPU to divide.
      if (!translated || translated.cpuMicrosecondsPerRequest === null) continue;
      const passedThrough = passThroughCase ? findCase(target, passThroughCase.id) : undefined;
      const translatedPerChunk = perChunk(translated, anthropicCase);
      const passThroughPerChunk = passThroughCase ? perChunk(passedThrough, passThroughCase) : null;
      const ratio =
        translatedPerChunk === null || passThroughPerChunk === null || passThroughPerChunk === 0
          ? null
          : translatedPerChunk / passThroughPerChunk;
      lines.push(
        `| ${target.name} | ${anthropicCase.connections} | ${fixed(passedThrough?.cpuMicrosecondsPerRequest)} | ` +
          `${fixed(passThroughPerChunk, 1)} | ${fixed(translated.cpuMicrosecondsPerRequest)} | ` +
          `${fixed(translatedPerChunk, 1)} | ${fixed(ratio, 2)} |`,
      );
    }
  }
  lines.push("");

  const timed = results.targets.filter((target) => target.firstToken);
  if (timed.length > 0) {
    lines.push(
      `Time to first token at concurrency 1 (median of ${results.settings.ttfbRequests} sequential requests): ` +
        "the clock stops when the first token's text arrives, not at the first event. _added_ is against " +
        "direct requests to the same fake (OpenAI, resp. Anthropic), interleaved; _translation adds_ is the " +
        "Anthropic added minus the pass-through added.",
      "",
      "| target | pass-through ms | added ms | Anthropic ms | added ms | translation adds ms |",
      "| --- | ---: | ---: | ---: | ---: | ---: |",
    );
    for (const target of timed) {
      if (!target.firstToken) continue;
      const { passThrough, anthropic } = target.firstToken;
      const addedPassThrough = addedTtfb(passThrough);
      const addedAnthropic = addedTtfb(anthropic);
      const difference =
        addedPassThrough === undefined || addedAnthropic === undefined
          ? "—"
          : signedMs(addedAnthropic - addedPassThrough);
      lines.push(
        `| ${target.name} | ${ms(passThrough.medianMs)} | ${addedPassThrough === undefined ? "—" : signedMs(addedPassThrough)} | ` +
          `${ms(anthropic.medianMs)} | ${addedAnthropic === undefined ? "—" : signedMs(addedAnthropic)} | ${difference} |`,
      );
    }
    lines.push("");
  }
  return lines;
}
