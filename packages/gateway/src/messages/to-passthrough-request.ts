import type { ProviderConfig, UpstreamHttpRequest } from "../providers/provider-adapter.ts";

/** The Anthropic headers a client sent that the upstream must see (API version, beta features). */
export interface AnthropicClientHeaders {
  version: string | undefined;
  beta: string | undefined;
}

export const defaultAnthropicVersion = "2023-06-01";

// Fields of a create request that count_tokens rejects ("Extra inputs are not permitted").
const createOnlyFields = [
  "max_tokens",
  "stream",
  "temperature",
  "top_p",
  "top_k",
  "stop_sequences",
  "metadata",
  "service_tier",
  "container",
  "inference_geo",
  "diagnostics",
];

/**
 * The client's Messages body for an Anthropic upstream: everything it sent, byte-for-byte in meaning
 * (thinking signatures, cache_control, beta fields), with only `model` set to the upstream id.
 */
export function toPassthroughRequest(
  config: ProviderConfig,
  operation: "messages" | "count_tokens",
  body: Record<string, unknown>,
  upstreamModel: string,
  client: AnthropicClientHeaders,
): UpstreamHttpRequest {
  const base = new URL(config.baseUrl.replace(/\/+$/, ""));
  // ANTHROPIC_BASE_URL is conventionally the bare origin (as the Anthropic SDKs take it); accept "/v1" too.
  let basePath = base.pathname.replace(/\/+$/, "");
  if (!basePath.endsWith("/v1")) basePath += "/v1";
  const forwarded: Record<string, unknown> = { ...body, model: upstreamModel };
  if (operation === "count_tokens") for (const field of createOnlyFields) delete forwarded[field];
  // The client's version and betas win (it knows the shape it sent); the operator's
  // ANTHROPIC_VERSION / ANTHROPIC_BETA fill in, betas from both sides combined.
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "anthropic-version": client.version ?? (config.settings["anthropic-version"] || defaultAnthropicVersion),
  };
  const betas = new Set(
    [client.beta, config.settings["anthropic-beta"]]
      .flatMap((value) => (value ? value.split(",") : []))
      .map((value) => value.trim())
      .filter((value) => value.length > 0),
  );
  if (betas.size > 0) headers["anthropic-beta"] = [...betas].join(",");
  if (config.apiKey) headers["x-api-key"] = config.apiKey;
  Object.assign(headers, config.headers);
  return {
    origin: base.origin,
    path: `${basePath}/messages${operation === "count_tokens" ? "/count_tokens" : ""}`,
    headers,
    body: JSON.stringify(forwarded),
  };
}
