import type { ErrorCode } from "@aigateway/protocol";
import { UpstreamError } from "@aigateway/protocol";
import { readRetryAfter, toOpenAiUpstreamError } from "../openai-compatible/to-openai-upstream-error.ts";

type Headers = Record<string, string | string[] | undefined>;

/**
 * AWS error types (HTTP `x-amzn-errortype`, or ConverseStream `:exception-type`), lower-cased and
 * without the "Exception" suffix, mapped to our catalogue. Credential failures are ours, not the
 * client's: they become 502 provider_error.
 */
const codesByErrorType: Readonly<Record<string, ErrorCode | "credentials">> = {
  validation: "invalid_request",
  accessdenied: "credentials",
  unrecognizedclient: "credentials",
  expiredtoken: "credentials",
  invalidsignature: "credentials",
  incompletesignature: "credentials",
  missingauthenticationtoken: "credentials",
  invalidclienttokenid: "credentials",
  resourcenotfound: "model_not_found",
  throttling: "rate_limited",
  servicequotaexceeded: "rate_limited",
  serviceunavailable: "service_unavailable",
  modelnotready: "service_unavailable",
  modeltimeout: "timeout",
  internalserver: "provider_error",
  modelerror: "provider_error",
  modelstreamerror: "provider_error",
};

/** "ExpiredTokenException:http://internal.amazon.com/coral/…" → "expiredtoken". */
export function normalizeErrorType(raw: string): string {
  const name = raw.split(":")[0]?.split("#").at(-1) ?? "";
  return name.toLowerCase().replace(/exception$/, "");
}

function readErrorType(body: unknown, headers: Headers): string | undefined {
  const header = headers["x-amzn-errortype"];
  if (typeof header === "string" && header) return header;
  const type = typeof body === "object" && body !== null ? (body as { __type?: unknown }).__type : undefined;
  return typeof type === "string" ? type : undefined;
}

function readMessage(body: unknown, status: number | null): string {
  if (typeof body === "object" && body !== null) {
    const { message, Message } = body as { message?: unknown; Message?: unknown };
    if (typeof message === "string") return message;
    if (typeof Message === "string") return Message;
  }
  if (typeof body === "string" && body.trim()) return body.slice(0, 500);
  return status === null ? "no message" : `HTTP ${status}`;
}

function fromErrorType(
  provider: string,
  rawType: string,
  status: number | null,
  body: unknown,
  headers: Headers,
): UpstreamError | undefined {
  const code = codesByErrorType[normalizeErrorType(rawType)];
  if (!code) return undefined;
  const type = rawType.split(":")[0];
  const vendorMessage = readMessage(body, status);
  const base = { provider, upstreamStatus: status, upstreamBody: body, upstreamHeaders: headers };
  if (code === "credentials") {
    return new UpstreamError("provider_error", {
      ...base,
      message: `Provider ${provider} rejected the gateway's AWS credentials (${type}): ${vendorMessage}`,
    });
  }
  if (code === "provider_error") {
    return new UpstreamError(code, {
      ...base,
      message: `Provider ${provider} failed (${type}): ${vendorMessage}`,
    });
  }
  return new UpstreamError(code, {
    ...base,
    param: code === "model_not_found" ? "model" : null,
    message: `${provider}: ${vendorMessage} (${type})`,
    headers: code === "rate_limited" ? readRetryAfter(headers) : {},
  });
}

/** A non-2xx Converse response (JSON `{message}` plus `x-amzn-errortype`) as our error. */
export function toBedrockUpstreamError(
  provider: string,
  status: number,
  body: unknown,
  headers: Headers,
): UpstreamError {
  const type = readErrorType(body, headers);
  const mapped = type ? fromErrorType(provider, type, status, body, headers) : undefined;
  // Untyped errors (a proxy's, or a 400 without the header) are read by status, the OpenAI way.
  return mapped ?? toOpenAiUpstreamError(provider, status, body, headers);
}

/** An exception message inside a ConverseStream body (`throttlingException`, …) as our error. */
export function toBedrockStreamError(
  provider: string,
  exceptionType: string,
  payload: string,
): UpstreamError {
  let body: unknown = payload;
  try {
    body = JSON.parse(payload);
  } catch {
    // Keep the text: it is only used for the message.
  }
  return (
    fromErrorType(provider, exceptionType, null, body, {}) ??
    new UpstreamError("provider_error", {
      provider,
      upstreamStatus: null,
      upstreamBody: body,
      message: `Provider ${provider} failed mid-stream (${exceptionType}): ${readMessage(body, null)}`,
    })
  );
}
