// The submit-and-poll contract of upstream async APIs (video, music, async transcription). Like the
// chat adapters, an adapter only translates: it builds HTTP requests and reads answers, and never sees
// the HTTP framework or a socket; the worker (job-runner.ts) sends the requests and keeps the state.
import type { ProviderConfig } from "../providers/provider-adapter.ts";

export type JobModality = "video" | "music" | "3d" | "stt";

/** What a user submitted, validated (fields are optional per modality). */
export interface JobInput {
  prompt?: string | undefined;
  /** Seconds. */
  duration?: number | undefined;
  aspect_ratio?: string | undefined;
  resolution?: string | undefined;
  image_url?: string | undefined;
  negative_prompt?: string | undefined;
  lyrics?: string | undefined;
  is_instrumental?: boolean | undefined;
  format?: string | undefined;
  audio_url?: string | undefined;
  language?: string | undefined;
}

export interface JobTarget {
  slug: string;
  upstreamModel: string;
  modality: JobModality;
}

export interface JobHttpRequest {
  method: "GET" | "POST" | "PUT";
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface JobHttpResponse {
  status: number;
  /** Parsed JSON, or the raw text when the body is not JSON. */
  body: unknown;
}

/** A finished job's output: a file to download, or content the adapter already has. */
export type JobOutput =
  | { kind: "download"; request: JobHttpRequest; contentType: string; filename: string }
  | { kind: "content"; bytes: Buffer; contentType: string; filename: string };

export type JobPollOutcome =
  | { kind: "pending"; state: unknown; retryAfterMs?: number }
  | {
      kind: "succeeded";
      output: JobOutput;
      /** Shown to users as the job's `result` (duration, resolution, transcript…). */
      result: Record<string, unknown>;
      /** The billed quantity: seconds of output (video, music) or of input audio (transcription). */
      billedSeconds: number;
    }
  | { kind: "failed"; code: string; message: string };

/** A failure the upstream reported, or an answer we cannot read. `retryable` for 429/5xx and the like. */
export class UpstreamJobError extends Error {
  override name = "UpstreamJobError";
  readonly code: string;
  readonly retryable: boolean;
  constructor(code: string, message: string, retryable: boolean) {
    super(message);
    this.code = code;
    this.retryable = retryable;
  }
}

export interface JobAdapter {
  /** The provider id (known-providers.ts). */
  readonly provider: string;
  readonly modalities: readonly JobModality[];
  /** Throws a GatewayError (invalid_request) for input this upstream cannot take. */
  toSubmitRequest(config: ProviderConfig, input: JobInput, target: JobTarget): JobHttpRequest;
  /** The state to poll with; throws UpstreamJobError when the upstream refused. */
  readSubmitResponse(response: JobHttpResponse, input: JobInput, target: JobTarget): unknown;
  /** Null when no request is needed (the answer is already in the state). */
  toPollRequest(config: ProviderConfig, state: unknown): JobHttpRequest | null;
  readPollResponse(
    config: ProviderConfig,
    response: JobHttpResponse | null,
    state: unknown,
    input: JobInput,
  ): JobPollOutcome;
  /** Best-effort upstream cancellation; undefined when the API has none. */
  toCancelRequest?(config: ProviderConfig, state: unknown): JobHttpRequest | undefined;
}

/** Reads an upstream's error answer into an UpstreamJobError (4xx are final, 429 and 5xx retryable). */
export function toUpstreamJobError(provider: string, response: JobHttpResponse): UpstreamJobError {
  const body = response.body;
  let detail = typeof body === "string" ? body.slice(0, 500) : JSON.stringify(body).slice(0, 500);
  if (typeof body === "object" && body !== null) {
    const record = body as Record<string, unknown>;
    const error = record.error;
    if (
      typeof error === "object" &&
      error !== null &&
      typeof (error as { message?: unknown }).message === "string"
    ) {
      detail = (error as { message: string }).message;
    } else if (typeof record.detail === "string") {
      detail = record.detail;
    } else if (typeof record.err_msg === "string") {
      detail = record.err_msg;
    }
  }
  const retryable = response.status === 429 || response.status >= 500;
  return new UpstreamJobError(
    retryable ? "upstream_unavailable" : "upstream_error",
    `${provider} answered ${response.status}: ${detail}`,
    retryable,
  );
}

/** True when `url` is on the provider's own origin, so its credential may be sent there. */
export function isProviderOrigin(config: ProviderConfig, url: string): boolean {
  try {
    return new URL(url).origin === new URL(config.baseUrl).origin;
  } catch {
    return false;
  }
}

export const asRecord = (value: unknown): Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
