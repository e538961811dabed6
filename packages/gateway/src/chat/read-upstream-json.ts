import type { ProviderAdapter } from "../providers/provider-adapter.ts";
import type { UpstreamResponse } from "../upstream/upstream-client.ts";
import { toTransportError } from "../upstream/upstream-client.ts";

/**
 * A 2xx upstream body as bytes (kept so the answer can be sent without re-serialising) and parsed.
 * A body that is not JSON is the provider's 502; a broken connection is a transport error, unless the
 * client left, in which case the abort itself is rethrown.
 */
export async function readUpstreamJson(
  adapter: ProviderAdapter,
  response: UpstreamResponse,
  signal: AbortSignal,
): Promise<{ raw: Buffer; body: unknown }> {
  try {
    const raw = Buffer.from(await response.body.arrayBuffer());
    return { raw, body: JSON.parse(raw.toString("utf8")) };
  } catch (error) {
    if (signal.aborted) throw error;
    throw error instanceof SyntaxError
      ? adapter.toUpstreamError(502, "malformed JSON body", response.headers)
      : toTransportError(adapter.id, error);
  }
}
