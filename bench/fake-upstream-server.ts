// The fake model provider, run as its own process so its CPU is never counted against a target.
// POST /v1/chat/completions answers with a recorded OpenAI chat completion, or with a 20-chunk SSE
// stream built from a recorded stream when the body asks for `stream: true`. Prints
// `{"port":N}` on stdout once listening on 127.0.0.1 (port 0 unless PORT is set).
//
// Delay ("the model thinks for 50 ms"): a request header `x-fake-delay-ms` sets it per request;
// `PUT /__bench/delay?ms=50` sets the default for every later request. The benchmark uses the
// latter, because gateways do not forward arbitrary client headers upstream.
//
// POST /v1/messages is Anthropic's Messages API for the Anthropic-upstream cases: the recorded message,
// or for `stream: true` the recorded event stream with its `event:` lines (bench/anthropic-recording.ts).
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { fileURLToPath } from "node:url";
import { anthropicMessageBody, anthropicStreamEvents } from "./anthropic-recording.ts";

const repositoryRoot = fileURLToPath(new URL("../", import.meta.url));
const fixturesDirectory = process.env.AIG_FIXTURES_DIR ?? `${repositoryRoot}../shared/fixtures/providers/`;

// Served byte for byte as recorded (OpenAI pretty-prints its JSON responses too).
const completionBody = readFileSync(`${fixturesDirectory}openai/chat-completion-text.json`);

// First 19 content chunks + the final usage chunk = 20 events, then the [DONE] sentinel.
const chunkLines = readFileSync(`${fixturesDirectory}openai/chat-stream-text-with-usage.chunks.txt`, "utf8")
  .split("\n")
  .filter((line) => line.trim().length > 0);
const usageLine = chunkLines.at(-1);
if (!usageLine || chunkLines.length < 20) throw new Error("stream recording is shorter than 20 chunks");
const streamEvents: Buffer[] = [...chunkLines.slice(0, 19), usageLine, "[DONE]"].map((line) =>
  Buffer.from(`data: ${line}\n\n`),
);

let defaultDelayMs = 0;

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    request.on("data", (part: Buffer) => parts.push(part));
    request.on("end", () => resolve(Buffer.concat(parts).toString("utf8")));
    request.on("error", reject);
  });
}

function wantsStream(body: string): boolean {
  try {
    return (JSON.parse(body) as { stream?: unknown }).stream === true;
  } catch {
    return false;
  }
}

function sendJson(response: ServerResponse, body: Buffer = completionBody): void {
  response.writeHead(200, {
    "content-type": "application/json",
    "content-length": body.length,
  });
  response.end(body);
}

// One event per event-loop turn, so a target receives them as separate socket reads, as it would from
// a real provider, instead of one coalesced write.
function sendStream(response: ServerResponse, events: Buffer[] = streamEvents): void {
  response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  let next = 0;
  const writeNext = (): void => {
    if (response.destroyed) return;
    const event = events[next++];
    if (event === undefined) {
      response.end();
      return;
    }
    response.write(event);
    setImmediate(writeNext);
  };
  writeNext();
}

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? "/", "http://fake");
  if (request.method === "PUT" && url.pathname === "/__bench/delay") {
    defaultDelayMs = Number(url.searchParams.get("ms") ?? 0) || 0;
    response.writeHead(204).end();
    return;
  }
  if (request.method === "GET" && url.pathname === "/health") {
    response.writeHead(200, { "content-type": "text/plain" }).end("ok");
    return;
  }
  const anthropic = url.pathname.endsWith("/messages");
  if (request.method !== "POST" || !(anthropic || url.pathname.endsWith("/chat/completions"))) {
    response.writeHead(404, { "content-type": "application/json" });
    response.end(JSON.stringify({ error: { message: `no fake for ${request.method} ${url.pathname}` } }));
    return;
  }
  const body = await readBody(request);
  const headerDelay = Number(request.headers["x-fake-delay-ms"]);
  const delayMs = Number.isFinite(headerDelay) && headerDelay > 0 ? headerDelay : defaultDelayMs;
  const stream = wantsStream(body);
  const send = (outgoing: ServerResponse): void => {
    if (anthropic) {
      if (stream) sendStream(outgoing, anthropicStreamEvents);
      else sendJson(outgoing, anthropicMessageBody);
    } else if (stream) sendStream(outgoing);
    else sendJson(outgoing);
  };
  if (delayMs > 0) setTimeout(() => send(response), delayMs);
  else send(response);
}

const server = createServer({ keepAliveTimeout: 60_000 }, (request, response) => {
  handle(request, response).catch((error: unknown) => {
    response.destroy(error instanceof Error ? error : new Error(String(error)));
  });
});
server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  console.log(JSON.stringify({ port: address.port }));
});
process.on("SIGTERM", () => process.exit(0));
