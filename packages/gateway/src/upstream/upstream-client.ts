import type { Readable } from "node:stream";
import { Agent, errors as undiciErrors } from "undici";
import { UpstreamError } from "@aigateway/protocol";
import type { UpstreamTimeouts } from "../config/load-config.ts";
import type { UpstreamHttpRequest } from "../providers/provider-adapter.ts";

export interface UpstreamResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: Readable & { text(): Promise<string>; json(): Promise<unknown>; arrayBuffer(): Promise<ArrayBuffer> };
}

export interface UpstreamClient {
  send(provider: string, request: UpstreamHttpRequest, signal: AbortSignal): Promise<UpstreamResponse>;
  close(): Promise<void>;
}

/** Maps transport failures to the catalogue: timeouts are 504, anything else reaching the provider is 502. */
export function toTransportError(provider: string, error: unknown): UpstreamError {
  const cause = error;
  if (
    error instanceof undiciErrors.HeadersTimeoutError ||
    error instanceof undiciErrors.BodyTimeoutError ||
    error instanceof undiciErrors.ConnectTimeoutError
  ) {
    return new UpstreamError("timeout", {
      provider,
      upstreamStatus: null,
      cause,
      message: `Provider ${provider} timed out (${error.message}).`,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new UpstreamError("provider_error", {
    provider,
    upstreamStatus: null,
    cause,
    message: `Could not reach provider ${provider}: ${message}`,
  });
}

/**
 * One undici Agent: a keep-alive pool per upstream origin, with connect, first-byte (headers) and
 * idle (between body chunks) timeouts. Bodies stay Node streams end to end.
 */
export function createUpstreamClient(timeouts: UpstreamTimeouts): UpstreamClient {
  const agent = new Agent({
    connect: { timeout: timeouts.connectMs },
    headersTimeout: timeouts.firstByteMs,
    bodyTimeout: timeouts.idleMs,
    keepAliveTimeout: 30_000,
    connections: 256,
  });
  return {
    async send(provider, request, signal) {
      try {
        const response = await agent.request({
          origin: request.origin,
          path: request.path,
          method: "POST",
          headers: request.headers,
          body: request.body,
          signal,
        });
        return response;
      } catch (error) {
        if (signal.aborted) throw error;
        throw toTransportError(provider, error);
      }
    },
    async close() {
      await agent.close();
    },
  };
}
