import { UpstreamError } from "@aigateway/protocol";

/** A 200 whose body is not the shape the vendor documents: the provider's fault, never a client 4xx. */
export function createUnreadableResponseError(provider: string, body: unknown): UpstreamError {
  return new UpstreamError("provider_error", {
    provider,
    upstreamStatus: 200,
    upstreamBody: body,
    message: `Provider ${provider} returned a response the gateway could not read.`,
  });
}
