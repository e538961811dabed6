// Per-key request limits over a rolling window, on the shared KV store so N replicas hold one limit.
import { GatewayError } from "@aigateway/protocol";
import { KvUnavailableError, type KvStore } from "../kv/kv-store.ts";
import type { AccountProfile } from "./account-directory.ts";

export interface RateLimitStatus {
  limit: number;
  remaining: number;
  /** Whole seconds until the window has room for the full limit again. */
  resetSeconds: number;
}

export interface RateLimiter {
  /** Counts one request for the key; throws 429 (with Retry-After) or 503 when it cannot check. */
  consume(keyId: string, profile: AccountProfile): Promise<RateLimitStatus>;
}

const minuteMs = 60_000;
const dayMs = 86_400_000;

export function createRateLimiter(kv: KvStore, now: () => number = Date.now): RateLimiter {
  async function consumeWindow(key: string, limit: number, windowMs: number, label: string) {
    let result;
    try {
      result = await kv.consumeRateLimit(key, limit, windowMs, now());
    } catch (error) {
      if (error instanceof KvUnavailableError) {
        // Fail closed: a limit that cannot be checked must not be waved through.
        throw new GatewayError("service_unavailable", {
          message:
            "Rate limits cannot be checked right now (shared counter store unreachable); retry shortly.",
          headers: { "retry-after": "1" },
        });
      }
      throw error;
    }
    if (!result.allowed) {
      const retryAfterSeconds = Math.max(1, Math.ceil(result.retryAfterMs / 1000));
      throw new GatewayError("rate_limited", {
        message: `Rate limit of ${limit} requests per ${label} reached for this key; retry in ${retryAfterSeconds} s.`,
        headers: {
          "retry-after": String(retryAfterSeconds),
          "x-ratelimit-limit-requests": String(limit),
          "x-ratelimit-remaining-requests": "0",
          "x-ratelimit-reset-requests": String(Math.ceil(result.resetMs / 1000)),
        },
      });
    }
    return result;
  }

  return {
    async consume(keyId, profile) {
      // Minute first: a request the minute window refuses must not use up one of the day's slots.
      // (One the day window refuses holds a minute slot instead, harmless for a key blocked all day.)
      const limit = profile.requestsPerMinute;
      const minute = Number.isFinite(limit)
        ? await consumeWindow(`rpm:${keyId}`, limit, minuteMs, "minute")
        : undefined;
      if (profile.requestsPerDay !== null) {
        await consumeWindow(`day:${keyId}`, profile.requestsPerDay, dayMs, "day");
      }
      if (!minute) return { limit, remaining: limit, resetSeconds: 0 };
      return { limit, remaining: minute.remaining, resetSeconds: Math.ceil(minute.resetMs / 1000) };
    },
  };
}
