import type { Readable } from "node:stream";
import { Agent } from "undici";
import { UpstreamJobError, type JobHttpRequest, type JobHttpResponse } from "./job-adapter.ts";

export interface JobHttpClient {
  /** Sends a submit or poll request and reads the (JSON or text) answer. Network failures are retryable. */
  send(request: JobHttpRequest, signal: AbortSignal): Promise<JobHttpResponse>;
  /** Opens a result download; the caller consumes the body. Non-2xx answers throw. */
  open(
    request: JobHttpRequest,
    signal: AbortSignal,
  ): Promise<{ body: Readable; contentType: string | undefined }>;
  close(): Promise<void>;
}

export interface JobHttpTimeouts {
  connectMs: number;
  firstByteMs: number;
  idleMs: number;
}

const maxAnswerBytes = 4 * 1024 * 1024;

/** One undici Agent for upstream job APIs and result downloads, apart from the chat pool. */
export function createJobHttpClient(timeouts: JobHttpTimeouts): JobHttpClient {
  const agent = new Agent({
    connect: { timeout: timeouts.connectMs },
    headersTimeout: timeouts.firstByteMs,
    bodyTimeout: timeouts.idleMs,
    keepAliveTimeout: 30_000,
  });

  async function request(job: JobHttpRequest, signal: AbortSignal) {
    const url = new URL(job.url);
    try {
      return await agent.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: job.method,
        headers: job.headers,
        ...(job.body !== undefined ? { body: job.body } : {}),
        signal,
      });
    } catch (error) {
      if (signal.aborted) throw error;
      throw new UpstreamJobError(
        "upstream_unavailable",
        `Could not reach ${url.origin}: ${error instanceof Error ? error.message : String(error)}`,
        true,
      );
    }
  }

  return {
    async send(job, signal) {
      const response = await request(job, signal);
      const chunks: Buffer[] = [];
      let bytes = 0;
      for await (const chunk of response.body as AsyncIterable<Buffer>) {
        bytes += chunk.length;
        if (bytes > maxAnswerBytes) {
          response.body.destroy();
          throw new UpstreamJobError("upstream_error", `${url(job)} answered more than 4 MiB`, false);
        }
        chunks.push(chunk);
      }
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown = text;
      try {
        body = text.length > 0 ? (JSON.parse(text) as unknown) : null;
      } catch {
        // Not JSON: adapters read the text (error pages, plain messages).
      }
      return { status: response.statusCode, body };
    },
    async open(job, signal) {
      const response = await request(job, signal);
      if (response.statusCode < 200 || response.statusCode >= 300) {
        const text = (await response.body.text()).slice(0, 300);
        throw new UpstreamJobError(
          response.statusCode >= 500 || response.statusCode === 429
            ? "upstream_unavailable"
            : "download_failed",
          `Downloading the result from ${url(job)} answered ${response.statusCode}: ${text}`,
          response.statusCode >= 500 || response.statusCode === 429,
        );
      }
      const contentType = response.headers["content-type"];
      return {
        body: response.body,
        contentType: typeof contentType === "string" ? contentType : undefined,
      };
    },
    async close() {
      await agent.close();
    },
  };
}

function url(job: JobHttpRequest): string {
  return new URL(job.url).origin;
}
