// The load cases, and how one case is measured against one running target.
import { anthropicStreamEvents } from "./anthropic-recording.ts";
import type { FakeUpstream } from "./fake-upstream.ts";
import { runLoad, type LoadRequest, type LoadResult, type LoadTool } from "./load.ts";
import { readCpuTicks, sampleRss, ticksToMicroseconds } from "./measure-process.ts";
import type { RunningTarget } from "./targets.ts";

export interface BenchCase {
  id: string;
  stream: boolean;
  connections: number;
  /** How long the fake upstream "thinks" before answering. */
  delayMs: number;
  /**
   * "anthropic": the fake answers as Anthropic's Messages API, and our gateway translates (targets
   * without an anthropicRequest skip the case). Otherwise the OpenAI pass-through path.
   */
  upstream?: "anthropic";
  /** Events per upstream stream, for CPU per chunk. */
  chunksPerStream?: number;
}

/** bench/fake-upstream-server.ts streams 19 content chunks and the usage chunk. */
const openaiChunksPerStream = 20;

export const allCases: BenchCase[] = [
  { id: "json-c1", stream: false, connections: 1, delayMs: 0 },
  { id: "json-c16", stream: false, connections: 16, delayMs: 0 },
  { id: "json-c64", stream: false, connections: 64, delayMs: 0 },
  { id: "sse-c1", stream: true, connections: 1, delayMs: 0, chunksPerStream: openaiChunksPerStream },
  { id: "sse-c16", stream: true, connections: 16, delayMs: 0, chunksPerStream: openaiChunksPerStream },
  { id: "sse-c64", stream: true, connections: 64, delayMs: 0, chunksPerStream: openaiChunksPerStream },
  { id: "json-c16-delay50", stream: false, connections: 16, delayMs: 50 },
  // The recorded Anthropic stream translated to OpenAI chunks, beside sse-c1 / sse-c16 (pass-through).
  {
    id: "anthropic-sse-c1",
    stream: true,
    connections: 1,
    delayMs: 0,
    upstream: "anthropic",
    chunksPerStream: anthropicStreamEvents.length,
  },
  {
    id: "anthropic-sse-c16",
    stream: true,
    connections: 16,
    delayMs: 0,
    upstream: "anthropic",
    chunksPerStream: anthropicStreamEvents.length,
  },
];

/** The request a target sends for a case, or undefined when it cannot serve that case. */
export function requestForCase(target: RunningTarget, benchCase: BenchCase): LoadRequest | undefined {
  if (benchCase.upstream === "anthropic") return target.anthropicRequest?.(benchCase.stream);
  return target.request(benchCase.stream);
}

export interface CaseResult {
  caseId: string;
  /** All rounds together: requests and duration summed, latency percentiles request-weighted. */
  load: LoadResult;
  /** Target CPU (all threads, user + system) over the measured windows / completed requests. */
  cpuMicrosecondsPerRequest: number | null;
  /** The same per round, to show how much it moved while the case ran. */
  roundCpuMicrosecondsPerRequest: (number | null)[];
  /** The fake upstream's CPU per request: should be the same for every target (a sanity check). */
  upstreamCpuMicrosecondsPerRequest: number;
  /** Highest VmRSS sampled during the measured windows. */
  maxRssKb: number | null;
}

/** One round of one case against one target. */
export interface CaseSlice {
  load: LoadResult;
  targetTicks: number | null;
  upstreamTicks: number;
  maxRssKb: number | null;
}

export interface SliceSettings {
  tool: LoadTool;
  durationSeconds: number;
  /** Unmeasured load first, at the same concurrency (JIT, pools and heap settle). */
  warmupSeconds: number;
}

// After the load stops, wait a little so work the requests left behind (the usage log's batched
// write, every 250 ms by default) is counted in the window too.
const settleMs = 300;

export async function measureSlice(
  target: RunningTarget,
  upstream: FakeUpstream,
  benchCase: BenchCase,
  settings: SliceSettings,
): Promise<CaseSlice> {
  const request = requestForCase(target, benchCase);
  if (!request) throw new Error(`${target.name} cannot serve ${benchCase.id}`);
  await upstream.setDelay(benchCase.delayMs);
  if (settings.warmupSeconds > 0) {
    await runLoad(settings.tool, request, benchCase.connections, settings.warmupSeconds);
  }
  const pid = target.server?.pid;
  const targetTicksBefore = pid === undefined ? 0 : readCpuTicks(pid);
  const upstreamTicksBefore = readCpuTicks(upstream.server.pid);
  const rss = pid === undefined ? undefined : sampleRss(pid);

  const load = await runLoad(settings.tool, request, benchCase.connections, settings.durationSeconds);
  await new Promise((resolve) => setTimeout(resolve, settleMs));

  return {
    load,
    targetTicks: pid === undefined ? null : readCpuTicks(pid) - targetTicksBefore,
    upstreamTicks: readCpuTicks(upstream.server.pid) - upstreamTicksBefore,
    maxRssKb: rss ? rss.stop() : null,
  };
}

function perRequest(ticks: number, requests: number): number {
  return ticksToMicroseconds(ticks) / Math.max(1, requests);
}

export function combineSlices(caseId: string, slices: CaseSlice[]): CaseResult {
  const first = slices[0];
  if (!first) throw new Error(`no rounds measured for ${caseId}`);
  const sum = (pick: (slice: CaseSlice) => number): number =>
    slices.reduce((total, slice) => total + pick(slice), 0);
  const requests = sum((slice) => slice.load.requests);
  const durationSeconds = sum((slice) => slice.load.durationSeconds);
  // Percentiles of separate runs cannot be merged exactly; weighting each round's by its requests is
  // close when the rounds are alike, which is what interleaving them is for.
  const weighted = (pick: (slice: CaseSlice) => number): number =>
    sum((slice) => pick(slice) * slice.load.requests) / Math.max(1, requests);
  const measuresCpu = first.targetTicks !== null;
  const rss = slices.map((slice) => slice.maxRssKb).filter((value) => value !== null);
  return {
    caseId,
    load: {
      tool: first.load.tool,
      connections: first.load.connections,
      durationSeconds,
      requests,
      requestsPerSecond: requests / durationSeconds,
      latencyMs: {
        p50: weighted((slice) => slice.load.latencyMs.p50),
        p90: weighted((slice) => slice.load.latencyMs.p90),
        p99: weighted((slice) => slice.load.latencyMs.p99),
        max: Math.max(...slices.map((slice) => slice.load.latencyMs.max)),
      },
      errors: sum((slice) => slice.load.errors),
      non2xx: sum((slice) => slice.load.non2xx),
    },
    cpuMicrosecondsPerRequest: measuresCpu
      ? perRequest(
          sum((slice) => slice.targetTicks ?? 0),
          requests,
        )
      : null,
    roundCpuMicrosecondsPerRequest: slices.map((slice) =>
      slice.targetTicks === null ? null : perRequest(slice.targetTicks, slice.load.requests),
    ),
    upstreamCpuMicrosecondsPerRequest: perRequest(
      sum((slice) => slice.upstreamTicks),
      requests,
    ),
    maxRssKb: rss.length > 0 ? Math.max(...rss) : null,
  };
}
