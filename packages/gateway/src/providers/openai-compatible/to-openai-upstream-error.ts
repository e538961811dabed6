import { findErrorCodeForStatus, UpstreamError } from "@aigateway/protocol";

function readVendorMessage(body: unknown): string | undefined {
  if (typeof body === "string") return body.trim() ? body.slice(0, 500) : undefined;
  if (typeof body !== "object" || body === null) return undefined;
  const error = (body as { error?: unknown; message?: unknown }).error;
  if (typeof error === "string") return error;
  if (typeof error === "object" && error !== null) {
    const message = (error as { message?: unknown }).message;
    if (typeof message === "string") return message;
  }
  const message = (body as { message?: unknown }).message;
  return typeof message === "string" ? message : undefined;
}

/** The vendor's retry-after header, to pass on with a 429 or 503. */
export function readRetryAfter(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const value = headers["retry-after"];
  return typeof value === "string" ? { "retry-after": value } : {};
}

/**
 * Maps an OpenAI-style error response to the gateway's catalogue: upstream 4xx keep their meaning and
 * the vendor's message; upstream 5xx become 502 provider_error. An upstream 401/403 is our
 * misconfiguration, not the client's fault, so the client sees a 502 that names the provider.
 */
export function toOpenAiUpstreamError(
  provider: string,
  status: number,
  body: unknown,
  headers: Record<string, string | string[] | undefined>,
): UpstreamError {
  const vendorMessage = readVendorMessage(body) ?? `HTTP ${status}`;
  const param =
    typeof body === "object" && body !== null
      ? ((body as { error?: { param?: unknown } }).error?.param ?? null)
      : null;
  const base = {
    provider,
    upstreamStatus: status,
    upstreamBody: body,
    upstreamHeaders: headers,
    param: typeof param === "string" ? param : null,
  };
  if (status === 401 || status === 403) {
    return new UpstreamError("provider_error", {
      ...base,
      message: `Provider ${provider} rejected the gateway's credentials (${status}): ${vendorMessage}`,
    });
  }
  if (status >= 500) {
    return new UpstreamError("provider_error", {
      ...base,
      message: `Provider ${provider} failed (${status}): ${vendorMessage}`,
    });
  }
  return new UpstreamError(findErrorCodeForStatus(status), {
    ...base,
    message: `${provider}: ${vendorMessage}`,
    headers: status === 429 ? readRetryAfter(headers) : {},
  });
}
