// Time to first byte at concurrency 1, measured here because neither wrk nor autocannon reports it.
// One keep-alive connection, requests strictly one after another. The client is a raw socket writing
// a prebuilt HTTP/1.1 request, so client-side work (which node:http adds in the hundreds of µs
// before its JIT warms up) does not blur a difference that the goal wants below 0.5 ms.
// The clock stops at the first response byte for JSON, and at the first SSE event (`data:` after
// the headers) for streams: the moment a user waiting for the first token would see it. With a
// `firstTokenMarker` the clock stops instead where those bytes first appear (the first token's text):
// a translated stream's first event (role only) can come before any token does.
import { connect, type Socket } from "node:net";
import type { LoadRequest } from "./load.ts";

export interface TtfbResult {
  requests: number;
  medianMs: number;
  p90Ms: number;
}

function percentile(sorted: number[], fraction: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

function buildRequest(load: LoadRequest): Buffer {
  const url = new URL(load.url);
  const body = Buffer.from(load.body);
  const head = [
    `POST ${url.pathname}${url.search} HTTP/1.1`,
    `host: ${url.host}`,
    ...Object.entries(load.headers).map(([name, value]) => `${name}: ${value}`),
    `content-length: ${body.length}`,
    "",
    "",
  ].join("\r\n");
  return Buffer.concat([Buffer.from(head), body]);
}

const headerEnd = Buffer.from("\r\n\r\n");
const lastChunk = Buffer.from("0\r\n\r\n");

/** Just enough HTTP/1.1 response framing (content-length or chunked) to know when a response ends. */
function responseComplete(
  received: Buffer,
  firstEventMarker = "data:",
): { done: boolean; status: number; firstEventSeen: boolean } {
  const end = received.indexOf(headerEnd);
  if (end < 0) return { done: false, status: 0, firstEventSeen: false };
  const head = received.subarray(0, end).toString("latin1");
  const status = Number(head.slice(9, 12));
  const bodyStart = end + headerEnd.length;
  const firstEventSeen = received.indexOf(firstEventMarker, bodyStart) >= 0;
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (length?.[1]) return { done: received.length - bodyStart >= Number(length[1]), status, firstEventSeen };
  if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
    const tail = received.subarray(received.length - lastChunk.length);
    return {
      done: tail.equals(lastChunk) && received.length - bodyStart >= lastChunk.length,
      status,
      firstEventSeen,
    };
  }
  throw new Error(`TTFB client cannot frame this response:\n${head}`);
}

function timeOne(
  socket: Socket,
  request: Buffer,
  stream: boolean,
  firstTokenMarker?: string,
): Promise<number> {
  return new Promise((resolve, reject) => {
    let received: Buffer = Buffer.alloc(0);
    let firstByteAt: bigint | undefined;
    const startedAt = process.hrtime.bigint();
    const onData = (data: Buffer): void => {
      received = received.length === 0 ? data : Buffer.concat([received, data]);
      const state = responseComplete(received, firstTokenMarker);
      if (firstByteAt === undefined && (!stream || state.firstEventSeen))
        firstByteAt = process.hrtime.bigint();
      if (!state.done) return;
      cleanup();
      if (state.status !== 200) reject(new Error(`TTFB request answered ${state.status}`));
      else resolve(Number((firstByteAt ?? process.hrtime.bigint()) - startedAt) / 1e6);
    };
    const onFailure = (error?: Error): void => {
      cleanup();
      reject(error ?? new Error("connection closed mid-response"));
    };
    function cleanup(): void {
      socket.off("data", onData);
      socket.off("error", onFailure);
      socket.off("close", onFailure);
    }
    socket.on("data", onData);
    socket.on("error", onFailure);
    socket.on("close", onFailure);
    socket.write(request);
  });
}

async function openSocket(load: LoadRequest): Promise<Socket> {
  const url = new URL(load.url);
  const socket = connect({ host: url.hostname, port: Number(url.port), noDelay: true });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  return socket;
}

function summarise(samples: number[]): TtfbResult {
  const sorted = [...samples].sort((a, b) => a - b);
  return { requests: sorted.length, medianMs: percentile(sorted, 0.5), p90Ms: percentile(sorted, 0.9) };
}

export interface PairedTtfbResult extends TtfbResult {
  /** Median of the baseline (direct to the fake upstream), measured interleaved with the target. */
  baselineMedianMs: number;
  addedMedianMs: number;
}

/**
 * TTFB of `target`, and of `baseline` (direct) interleaved with it in blocks of 20, so that noise from
 * anything else on the machine lands on both sides of the difference alike.
 */
export async function measureTtfb(
  target: LoadRequest,
  baseline: LoadRequest | undefined,
  stream: boolean,
  requests: number,
  warmup = 200,
  firstTokenMarker?: string,
): Promise<TtfbResult | PairedTtfbResult> {
  const targetSocket = await openSocket(target);
  const baselineSocket = baseline ? await openSocket(baseline) : undefined;
  const targetRequest = buildRequest(target);
  const baselineRequest = baseline ? buildRequest(baseline) : undefined;
  try {
    for (let index = 0; index < warmup; index++) {
      await timeOne(targetSocket, targetRequest, stream, firstTokenMarker);
      if (baselineSocket && baselineRequest)
        await timeOne(baselineSocket, baselineRequest, stream, firstTokenMarker);
    }
    const targetSamples: number[] = [];
    const baselineSamples: number[] = [];
    const block = 20;
    while (targetSamples.length < requests) {
      for (let index = 0; index < block && targetSamples.length < requests; index++) {
        targetSamples.push(await timeOne(targetSocket, targetRequest, stream, firstTokenMarker));
      }
      if (!baselineSocket || !baselineRequest) continue;
      for (let index = 0; index < block && baselineSamples.length < requests; index++) {
        baselineSamples.push(await timeOne(baselineSocket, baselineRequest, stream, firstTokenMarker));
      }
    }
    const result = summarise(targetSamples);
    if (baselineSamples.length === 0) return result;
    const baselineMedianMs = summarise(baselineSamples).medianMs;
    return { ...result, baselineMedianMs, addedMedianMs: result.medianMs - baselineMedianMs };
  } finally {
    targetSocket.destroy();
    baselineSocket?.destroy();
  }
}
