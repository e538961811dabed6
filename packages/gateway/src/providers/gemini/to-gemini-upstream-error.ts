import { findErrorCodeForStatus, UpstreamError } from "@aigateway/protocol";
import type { GeminiErrorBody } from "./gemini-wire-types.ts";

type Headers = Record<string, string | string[] | undefined>;

/** Google's envelope is {error: {code, message, status, details}}, sometimes wrapped in an array. */
export function readGeminiError(body: unknown): GeminiErrorBody | undefined {
  const envelope = Array.isArray(body) ? (body[0] as unknown) : body;
  if (typeof envelope !== "object" || envelope === null) return undefined;
  const error = (envelope as { error?: unknown }).error;
  return typeof error === "object" && error !== null ? error : undefined;
}

/** RetryInfo.retryDelay ("34.4s") as whole seconds for a Retry-After header, rounded up. */
export function readRetryDelaySeconds(error: GeminiErrorBody | undefined): string | undefined {
  for (const detail of error?.details ?? []) {
    const match = typeof detail.retryDelay === "string" ? /^(\d+(?:\.\d+)?)s$/.exec(detail.retryDelay) : null;
    if (match) return String(Math.max(1, Math.ceil(Number(match[1]))));
  }
  return undefined;
}

// Gemini answers a wrong API key with 400 INVALID_ARGUMENT, not 401.
function isCredentialFailure(status: number, error: GeminiErrorBody | undefined): boolean {
  if (status === 401 || status === 403) return true;
  if (error?.status === "UNAUTHENTICATED" || error?.status === "PERMISSION_DENIED") return true;
  return (error?.details ?? []).some((detail) => detail.reason === "API_KEY_INVALID");
}

/**
 * A Gemini error response in the gateway's catalogue. A rejected key (401, 403, or 400 API_KEY_INVALID)
 * is the operator's misconfiguration: 502 naming the provider. 429 RESOURCE_EXHAUSTED keeps its
 * meaning, with RetryInfo's delay as retry-after. 5xx become 502; other 4xx keep their status (404
 * NOT_FOUND for an unknown upstream model is model_not_found) and Google's message.
 */
export function toGeminiUpstreamError(
  provider: string,
  status: number,
  body: unknown,
  headers: Headers,
): UpstreamError {
  const error = readGeminiError(body);
  const textBody = typeof body === "string" && body.trim() ? body.slice(0, 500) : undefined;
  const vendorMessage = error?.message ?? textBody ?? `HTTP ${status}`;
  const detail = error?.status ? `${vendorMessage} (${error.status})` : vendorMessage;
  const base = { provider, upstreamStatus: status, upstreamBody: body, upstreamHeaders: headers };
  if (isCredentialFailure(status, error)) {
    return new UpstreamError("provider_error", {
      ...base,
      message: `Provider ${provider} rejected the gateway's credentials (${status}): ${detail}`,
    });
  }
  if (status >= 500 || status < 400) {
    return new UpstreamError("provider_error", {
      ...base,
      message: `Provider ${provider} failed (${status}): ${detail}`,
    });
  }
  const responseHeaders: Record<string, string> = {};
  if (status === 429) {
    const retryAfter = readRetryDelaySeconds(error) ?? headers["retry-after"];
    if (typeof retryAfter === "string") responseHeaders["retry-after"] = retryAfter;
  }
  return new UpstreamError(findErrorCodeForStatus(status), {
    ...base,
    message: `${provider}: ${detail}`,
    headers: responseHeaders,
  });
}
