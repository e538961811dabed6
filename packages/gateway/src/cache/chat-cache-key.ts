import { createHash } from "node:crypto";
import type { ChatCompletionRequest } from "@aigateway/protocol";
import { toCanonicalJson } from "./canonical-json.ts";

/**
 * Fields that do not change what the model answers. Everything else (including fields the gateway
 * does not know, which pass through to providers) is part of the key, so an unknown field can only
 * cause a miss, never a wrong hit.
 */
const fieldsOutsideKey = new Set([
  "stream",
  "stream_options",
  "user",
  "metadata",
  "store",
  "routing",
  "fallbacks",
  "service_tier",
]);

/** The prefix of every cache entry of one billing account (what DELETE /v1/cache removes). */
export function toCachePrefix(billingAccountId: string): string {
  return `cache:${billingAccountId}:`;
}

/** Exact-match key: the account, the endpoint and a SHA-256 of the request's canonical JSON. */
export function computeChatCacheKey(billingAccountId: string, request: ChatCompletionRequest): string {
  const normalized: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(request)) {
    if (!fieldsOutsideKey.has(field)) normalized[field] = value;
  }
  // The two max-token fields mean the same; the gateway picks per model which one to send.
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  delete normalized.max_completion_tokens;
  normalized.max_tokens = maxTokens;
  if (typeof normalized.model === "string") normalized.model = normalized.model.toLowerCase();
  const digest = createHash("sha256").update(toCanonicalJson(normalized)).digest("hex");
  return `${toCachePrefix(billingAccountId)}chat:${digest}`;
}
