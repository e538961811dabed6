import type { FastifyReply, FastifyRequest } from "fastify";
import type { RateLimiter } from "../../accounts/rate-limiter.ts";
import { requirePrincipal, requireProfile } from "./authenticate.ts";

declare module "fastify" {
  interface FastifyContextConfig {
    /** Model-calling routes count against the key's RPM; management routes do not. */
    rateLimited?: boolean;
  }
}

/** Counts the request against its key's limits and reports the window on the response. */
export function createRateLimitHook(limiter: RateLimiter) {
  return async function enforceRateLimit(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (request.routeOptions.config.rateLimited !== true) return;
    const status = await limiter.consume(requirePrincipal(request).keyId, requireProfile(request));
    if (!Number.isFinite(status.limit)) return;
    void reply.headers({
      "x-ratelimit-limit-requests": String(status.limit),
      "x-ratelimit-remaining-requests": String(status.remaining),
      "x-ratelimit-reset-requests": String(status.resetSeconds),
    });
  };
}
