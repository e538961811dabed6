import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { readChunkLines, readCassette, readJsonFixture } from "./fixtures.ts";

export interface FakeReply {
  status: number;
  headers?: Record<string, string>;
  /** A whole body, sent at once. */
  body?: string | Uint8Array;
  /** SSE frames (each a complete `data: …\n\n` text) or binary pieces, written one by one. */
  frames?: (string | Uint8Array)[];
  /** After this many frames, wait for `release` before sending the rest. */
  pauseAfterFrames?: number;
  release?: Promise<void>;
  /** After this many frames, destroy the socket (a connection reset mid-stream). */
  destroyAfterFrames?: number;
  /** Never answer (to exercise timeouts). */
  hang?: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: Record<string, unknown>;
  /** Resolves when the gateway closes this request's connection or the response ends. */
  closed: Promise<void>;
}

export type FakeHandler = (request: RecordedRequest) => FakeReply | Promise<FakeReply>;

export interface FakeUpstream {
  /** Base URL including `/v1`, as an `<PROVIDER>_BASE_URL` takes it. */
  baseUrl: string;
  requests: RecordedRequest[];
  setHandler(handler: FakeHandler): void;
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of request) parts.push(part as Buffer);
  return Buffer.concat(parts).toString("utf8");
}

async function writeReply(response: ServerResponse, reply: FakeReply): Promise<void> {
  if (reply.hang) return;
  response.writeHead(reply.status, reply.headers ?? { "content-type": "application/json" });
  if (reply.frames === undefined) {
    response.end(reply.body ?? "");
    return;
  }
  for (let index = 0; index < reply.frames.length; index++) {
    if (index === reply.destroyAfterFrames) {
      response.socket?.destroy();
      return;
    }
    if (index === reply.pauseAfterFrames && reply.release) await reply.release;
    if (response.destroyed) return;
    // Each event is flushed before the next, as a provider's token-by-token stream is.
    await new Promise<void>((resolve) => response.write(reply.frames?.[index] ?? "", () => resolve()));
  }
  response.end();
}

/** A provider stand-in on 127.0.0.1:0 that answers with recorded traffic and remembers what it was sent. */
export async function startFakeUpstream(handler: FakeHandler): Promise<FakeUpstream> {
  let current = handler;
  const requests: RecordedRequest[] = [];
  const server = createServer((request, response) => {
    const closed = new Promise<void>((resolve) => {
      response.once("close", () => resolve());
    });
    void (async () => {
      const text = await readBody(request);
      const recorded: RecordedRequest = {
        method: request.method ?? "GET",
        path: request.url ?? "/",
        headers: request.headers,
        body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
        closed,
      };
      requests.push(recorded);
      await writeReply(response, await current(recorded));
    })().catch((error: unknown) => {
      response.destroy(error as Error);
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    setHandler(next) {
      current = next;
    },
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
}

const sseHeaders = { "content-type": "text/event-stream" };

export function replyWithJsonFixture(name: string, status = 200): FakeReply {
  return {
    status,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(readJsonFixture(name)),
  };
}

/** A chunks.txt recording as the SSE stream it came from (the recorder dropped framing and [DONE]). */
export function replyWithChunkFixture(name: string, options: Partial<FakeReply> = {}): FakeReply {
  const frames = readChunkLines(name).map((line) => `data: ${line}\n\n`);
  frames.push("data: [DONE]\n\n");
  return { status: 200, headers: sseHeaders, frames, ...options };
}

/** One interaction of a cassette, replayed with its recorded status, content type and body. */
export function replyWithCassette(name: string, index = 0, options: Partial<FakeReply> = {}): FakeReply {
  const interaction = readCassette(name)[index];
  if (!interaction) throw new Error(`${name} has no interaction ${index}`);
  const { status, headers, body, bytes } = interaction.response;
  const contentType = headers["content-type"] ?? "application/json";
  const replyHeaders: Record<string, string> = { "content-type": contentType };
  if (headers["retry-after"]) replyHeaders["retry-after"] = headers["retry-after"];
  if (bytes) return { status, headers: replyHeaders, body: bytes, ...options };
  if (contentType.includes("text/event-stream")) {
    // Keep the recorded frames as they were on the wire, one write per event.
    const frames = body.split(/(?<=\r?\n\r?\n)/).filter((frame) => frame.trim().length > 0);
    return { status, headers: replyHeaders, frames, ...options };
  }
  return { status, headers: replyHeaders, body, ...options };
}
