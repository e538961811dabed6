import { UpstreamError } from "@aigateway/protocol";
import { toOpenAiUpstreamError } from "../openai-compatible/to-openai-upstream-error.ts";

type Headers = Record<string, string | string[] | undefined>;

/**
 * Cohere's error bodies are `{id, message}`, which the OpenAI-style mapping already reads. Two
 * statuses mean something else at Cohere: 402 is the gateway's Cohere account out of credit (not the
 * client's budget) and 499 is a failure on Cohere's side of a stream; both are the provider's fault.
 */
export function toCohereUpstreamError(
  provider: string,
  status: number,
  body: unknown,
  headers: Headers,
): UpstreamError {
  if (status !== 402 && status !== 499) return toOpenAiUpstreamError(provider, status, body, headers);
  const vendorMessage =
    typeof body === "object" && body !== null && typeof (body as { message?: unknown }).message === "string"
      ? (body as { message: string }).message
      : `HTTP ${status}`;
  return new UpstreamError("provider_error", {
    provider,
    upstreamStatus: status,
    upstreamBody: body,
    upstreamHeaders: headers,
    message: `Provider ${provider} failed (${status}): ${vendorMessage}`,
  });
}
