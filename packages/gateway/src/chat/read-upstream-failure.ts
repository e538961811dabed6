import type { UpstreamError } from "@aigateway/protocol";
import type { ProviderAdapter } from "../providers/provider-adapter.ts";
import type { UpstreamResponse } from "../upstream/upstream-client.ts";

/** Reads a non-2xx upstream body (JSON when it is JSON) and lets the adapter map it to our catalogue. */
export async function readUpstreamFailure(
  adapter: ProviderAdapter,
  response: UpstreamResponse,
): Promise<UpstreamError> {
  let text = "";
  try {
    text = await response.body.text();
  } catch {
    // The body is only used for the message; a broken one still yields an error of the right status.
  }
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (an HTML error page from a proxy, say): keep the text.
  }
  return adapter.toUpstreamError(response.statusCode, body, response.headers);
}
