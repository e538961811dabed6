import { GatewayError } from "@aigateway/protocol";
import type { IncomingHttpHeaders } from "node:http";
import { cacheModes, type CacheMode } from "../../cache/response-cache.ts";
import { routingBiases } from "../../routing/decide-auto-route.ts";

function readHeader(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined || text.trim() === "" ? undefined : text.trim();
}

/** `x-cache: auto | force | skip`; auto when absent. */
export function readCacheMode(headers: IncomingHttpHeaders): CacheMode {
  const value = readHeader(headers, "x-cache")?.toLowerCase();
  if (value === undefined) return "auto";
  if ((cacheModes as readonly string[]).includes(value)) return value as CacheMode;
  throw new GatewayError("invalid_request", {
    param: "x-cache",
    message: `Invalid 'x-cache' header '${value}': use auto, force or skip.`,
  });
}

/**
 * The header forms of the Auto Router's body fields (`x-routing`, `x-baseline-model`), merged into
 * the body; a field the body sets itself wins.
 */
export function mergeRoutingHeaders(
  body: Record<string, unknown>,
  headers: IncomingHttpHeaders,
): Record<string, unknown> {
  const bias = readHeader(headers, "x-routing")?.toLowerCase();
  const baseline = readHeader(headers, "x-baseline-model");
  if (bias !== undefined && !(routingBiases as readonly string[]).includes(bias)) {
    throw new GatewayError("invalid_request", {
      param: "x-routing",
      message: `Invalid 'x-routing' header '${bias}': use cost, speed, quality or auto.`,
    });
  }
  if (bias === undefined && baseline === undefined) return body;
  return {
    ...(bias === undefined ? {} : { "x-routing": bias }),
    ...(baseline === undefined ? {} : { baseline_model: baseline }),
    ...body,
  };
}
