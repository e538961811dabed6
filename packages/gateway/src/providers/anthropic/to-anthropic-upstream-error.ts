import { UpstreamError } from "@aigateway/protocol";
import { readRetryAfter, toOpenAiUpstreamError } from "../openai-compatible/to-openai-upstream-error.ts";

type Headers = Record<string, string | string[] | undefined>;

/** The HTTP status Anthropic documents for each error type, for errors that arrive inside a stream. */
const statusByErrorType: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

function readErrorType(body: unknown): string | undefined {
  const error = (body as { error?: { type?: unknown } } | null)?.error;
  return typeof error?.type === "string" ? error.type : undefined;
}

/**
 * Anthropic's error envelope `{type:"error", error:{type, message}}` as a gateway error. The shared
 * policy applies (401/403 → 502, our key is at fault; 429 keeps retry-after; other 4xx keep their
 * meaning; 5xx → 502) with two Anthropic cases: overloaded (HTTP 529, or overloaded_error in a stream)
 * is 503 service_unavailable, a temporary capacity refusal worth retrying elsewhere rather than a
 * broken provider; and a 504 timeout_error is our 504 timeout. `status` null means an in-stream
 * error event, whose status is read from its error type.
 */
export function toAnthropicUpstreamError(
  provider: string,
  status: number | null,
  body: unknown,
  headers: Headers,
): UpstreamError {
  const errorType = readErrorType(body);
  const effectiveStatus = status ?? statusByErrorType[errorType ?? ""] ?? 500;
  const reported = (body as { error?: { message?: unknown } } | null)?.error?.message;
  const vendorMessage =
    typeof reported === "string" ? reported : typeof body === "string" ? body.slice(0, 500) : "";
  const details = {
    provider,
    upstreamStatus: status,
    upstreamBody: body,
    upstreamHeaders: headers,
  };
  if (effectiveStatus === 529 || errorType === "overloaded_error") {
    return new UpstreamError("service_unavailable", {
      ...details,
      message: `Provider ${provider} is overloaded: ${vendorMessage || "Overloaded"}`,
      headers: readRetryAfter(headers),
    });
  }
  if (effectiveStatus === 504) {
    return new UpstreamError("timeout", {
      ...details,
      message: `Provider ${provider} timed out: ${vendorMessage || "HTTP 504"}`,
    });
  }
  const error = toOpenAiUpstreamError(provider, effectiveStatus, body, headers);
  if (status !== null) return error;
  // In a stream the client already has a 200: keep the mapped code, record that no HTTP status came.
  return new UpstreamError(error.code, { ...details, message: error.message, headers: error.headers });
}
