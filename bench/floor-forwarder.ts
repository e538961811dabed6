// The floor: the least work any Node gateway can do per request. A bare node:http server that hands
// the client's body to an undici Pool (keep-alive to the one upstream origin) and pipes the upstream
// response straight back, each chunk written as it arrives. No auth, no parsing, no logging: what
// our gateway costs above this is the price of its features and framework.
//
// Env: UPSTREAM_BASE_URL (e.g. http://127.0.0.1:1234/v1), PORT (default 0). Prints `{"port":N}`.
import { createServer } from "node:http";
import { Pool } from "undici";

const upstreamBase = new URL(process.env.UPSTREAM_BASE_URL ?? "");
const upstreamPathPrefix = upstreamBase.pathname.replace(/\/$/, "");
// Same pool shape as the gateway's upstream client, so the comparison is about everything else.
const pool = new Pool(upstreamBase.origin, { connections: 256, keepAliveTimeout: 30_000 });

const server = createServer({ keepAliveTimeout: 60_000 }, (request, response) => {
  if (request.method === "GET" && request.url === "/health") {
    response.writeHead(200, { "content-type": "text/plain" }).end("ok");
    return;
  }
  const headers: Record<string, string> = { "content-type": "application/json" };
  const contentLength = request.headers["content-length"];
  if (contentLength !== undefined) headers["content-length"] = contentLength;
  const authorization = request.headers.authorization;
  if (authorization !== undefined) headers.authorization = authorization;

  pool
    .stream(
      {
        // /v1/chat/completions → <upstream base path>/chat/completions
        path: upstreamPathPrefix + (request.url ?? "/").replace(/^\/v1/, ""),
        method: "POST",
        headers,
        body: request,
      },
      ({ statusCode, headers: upstreamHeaders }) => {
        const responseHeaders: Record<string, string> = {};
        const contentType = upstreamHeaders["content-type"];
        if (typeof contentType === "string") responseHeaders["content-type"] = contentType;
        const upstreamLength = upstreamHeaders["content-length"];
        if (typeof upstreamLength === "string") responseHeaders["content-length"] = upstreamLength;
        response.writeHead(statusCode, responseHeaders);
        // undici writes every body chunk into the response as it arrives and ends it.
        return response;
      },
    )
    .catch((error: unknown) => {
      if (!response.headersSent) {
        response.writeHead(502, { "content-type": "application/json" });
        response.end(JSON.stringify({ error: { message: String(error), type: "provider_error" } }));
      } else {
        response.destroy();
      }
    });
});

server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  console.log(JSON.stringify({ port: address.port }));
});
process.on("SIGTERM", () => {
  server.close();
  void pool.close().then(() => process.exit(0));
});
