// Fake async-job upstreams that speak the documented wire formats: fal's queue API
// (https://docs.fal.ai/model-endpoints/queue) and Veo through the Gemini API's long-running operations
// (https://ai.google.dev/gemini-api/docs/video), plus Deepgram's pre-recorded /v1/listen.
import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export const fakeVideoBytes = Buffer.from("\u0000\u0000\u0000\u0018ftypmp42 fake video bytes", "binary");

export interface FakeJobUpstreams {
  /** Base URL (with /v1) for FAL_BASE_URL, GEMINI_BASE_URL and DEEPGRAM_BASE_URL. */
  baseUrl: string;
  requests: { method: string; path: string; headers: IncomingMessage["headers"]; body: string }[];
  /** Status polls answered IN_PROGRESS / done:false before the job is reported finished. */
  pollsBeforeDone: number;
  /** When set, fal reports this error on completion. */
  falError: string | undefined;
  /** While true, fal keeps every request IN_QUEUE (for cancel tests and crashes mid-job). */
  holdQueue: boolean;
  /** Awaited before fal answers a submit (to hold submits in flight). */
  beforeSubmit: (() => Promise<void>) | undefined;
  close(): Promise<void>;
}

export async function startFakeJobUpstreams(): Promise<FakeJobUpstreams> {
  const polls = new Map<string, number>();
  let counter = 0;
  const state: FakeJobUpstreams = {
    baseUrl: "",
    requests: [],
    pollsBeforeDone: 2,
    falError: undefined,
    holdQueue: false,
    beforeSubmit: undefined,
    close: async () => undefined,
  };
  const json = (response: ServerResponse, status: number, body: unknown): void => {
    response.writeHead(status, { "content-type": "application/json" });
    response.end(JSON.stringify(body));
  };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const path = request.url ?? "/";
      const method = request.method ?? "GET";
      state.requests.push({ method, path, headers: request.headers, body: Buffer.concat(chunks).toString() });
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const finished = (id: string): boolean => {
        const seen = (polls.get(id) ?? 0) + 1;
        polls.set(id, seen);
        return !state.holdQueue && seen > state.pollsBeforeDone;
      };
      // fal: submit, status, result, cancel, CDN file.
      let match = /^\/v1\/fal-ai\/[\w./-]+$/.exec(path);
      if (method === "POST" && match && !path.includes("/requests/")) {
        if (request.headers.authorization !== "Key fal-test-key")
          return json(response, 401, { detail: "bad key" });
        const id = `fal-${++counter}`;
        const app = `${origin}/v1/fal-ai/app`;
        const accept = (): void =>
          json(response, 200, {
            request_id: id,
            response_url: `${app}/requests/${id}`,
            status_url: `${app}/requests/${id}/status`,
            cancel_url: `${app}/requests/${id}/cancel`,
          });
        if (state.beforeSubmit) return void state.beforeSubmit().then(accept);
        return accept();
      }
      match = /^\/v1\/fal-ai\/app\/requests\/([\w-]+)\/status$/.exec(path);
      if (method === "GET" && match?.[1]) {
        if (!finished(match[1]))
          return json(response, 202, { status: state.holdQueue ? "IN_QUEUE" : "IN_PROGRESS" });
        return json(response, 200, {
          status: "COMPLETED",
          ...(state.falError ? { error: state.falError } : {}),
          response_url: `${origin}/v1/fal-ai/app/requests/${match[1]}`,
        });
      }
      match = /^\/v1\/fal-ai\/app\/requests\/([\w-]+)\/cancel$/.exec(path);
      if (method === "PUT" && match) return json(response, 202, { status: "CANCELLATION_REQUESTED" });
      match = /^\/v1\/fal-ai\/app\/requests\/([\w-]+)$/.exec(path);
      if (method === "GET" && match) {
        return json(response, 200, {
          video: { url: `${origin}/cdn/output.mp4`, content_type: "video/mp4", file_name: "output.mp4" },
          seed: 42,
        });
      }
      if (method === "GET" && path === "/cdn/output.mp4") {
        // The CDN is another origin in reality; our fal key must not be sent here... except this fake
        // shares the origin, so only check the body is served.
        response.writeHead(200, { "content-type": "video/mp4" });
        return response.end(fakeVideoBytes);
      }
      // Gemini Veo: predictLongRunning, operation polling, file download.
      match = /^\/v1\/models\/([\w.-]+):predictLongRunning$/.exec(path);
      if (method === "POST" && match?.[1]) {
        if (request.headers["x-goog-api-key"] !== "gemini-test-key") {
          return json(response, 403, {
            error: { code: 403, message: "API key not valid", status: "PERMISSION_DENIED" },
          });
        }
        return json(response, 200, { name: `models/${match[1]}/operations/op${++counter}` });
      }
      match = /^\/v1\/(models\/[\w.-]+\/operations\/[\w-]+)$/.exec(path);
      if (method === "GET" && match?.[1]) {
        if (!finished(match[1])) return json(response, 200, { name: match[1] });
        return json(response, 200, {
          name: match[1],
          done: true,
          response: {
            "@type": "type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningResponse",
            generateVideoResponse: {
              generatedSamples: [{ video: { uri: `${origin}/v1/files/video1:download?alt=media` } }],
            },
          },
        });
      }
      if (method === "GET" && path === "/v1/files/video1:download?alt=media") {
        if (request.headers["x-goog-api-key"] !== "gemini-test-key")
          return json(response, 403, { error: { message: "no key" } });
        response.writeHead(200, { "content-type": "video/mp4" });
        return response.end(fakeVideoBytes);
      }
      // Deepgram pre-recorded transcription of a hosted file.
      if (method === "POST" && path.startsWith("/v1/v1/listen?")) {
        return json(response, 200, {
          metadata: { request_id: "dg-1", duration: 90 },
          results: {
            channels: [{ alternatives: [{ transcript: "hello from the fake deepgram", words: [] }] }],
          },
        });
      }
      json(response, 404, { detail: `no fake route for ${method} ${path}` });
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  state.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  state.close = async () => {
    server.closeAllConnections();
    server.close();
    await once(server, "close");
  };
  return state;
}
