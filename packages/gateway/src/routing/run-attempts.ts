import { performance } from "node:perf_hooks";
import { GatewayError, UpstreamError } from "@aigateway/protocol";
import type { RouteCandidate, RoutePlan, Router } from "./create-router.ts";
import { clientClosedStatus } from "../chat/request-context.ts";
import { computeBackoffMs, readRetryAfterMs } from "./retry-backoff.ts";

/** One try of one route, as the usage row and the trace headers report it. */
export interface AttemptRecord {
  model: string;
  provider: string;
  status: number;
  error_type: string | null;
  latency_ms: number;
}

/** What an attempt that reached its client reports, for the route's live stats. */
export interface AttemptResult<Value> {
  value: Value;
  /** First token (streams) or whole answer, ms. */
  latencyMs: number;
  completionTokens: number;
  durationMs: number;
  /** A failure after the first byte reached the client: recorded against the route, never retried. */
  failure?: GatewayError | undefined;
}

export interface AttemptsOutcome<Value> {
  value: Value;
  candidate: RouteCandidate;
  attempts: AttemptRecord[];
}

/** Retries sleep at most this long in total per request (§3.9: "up to 3 hops within < 8 s"). */
export const maxRetryWaitMs = 8_000;
/**
 * A retry-after longer than this ends the request's tries on that route: an interactive caller is
 * better served by the 429 (with its retry-after) than by a silent multi-second stall.
 */
export const maxSingleWaitMs = 2_000;

/** The trace headers of a request that went through the attempt loop. */
export function toTraceHeaders(
  plan: Pick<RoutePlan, "policy">,
  attemptCount: number,
  candidate: RouteCandidate | undefined,
): Record<string, string> {
  const headers: Record<string, string> = {
    "x-aig-attempts": String(attemptCount),
    "x-aig-route-policy": plan.policy,
  };
  if (candidate) {
    headers["x-aig-served-by"] = candidate.model.id;
    headers["x-aig-provider"] = candidate.route.provider;
  }
  return headers;
}

const failedAttempts = new WeakMap<object, AttemptRecord[]>();

/** The attempts behind an error runAttempts threw (empty for any other error). */
export function readFailedAttempts(error: unknown): AttemptRecord[] {
  return error !== null && typeof error === "object" ? (failedAttempts.get(error) ?? []) : [];
}

function isSwitchable(error: unknown): error is GatewayError {
  return error instanceof GatewayError && error.retryable;
}

/**
 * Whether the provider itself looks down: a 5xx, a timeout, a reset or an unreadable body. A 429 only
 * cools the route for its retry-after; a refused key (401/403 upstream) is worth another provider but
 * not a second try on the same one.
 */
function signalsOutage(error: GatewayError): boolean {
  if (!(error instanceof UpstreamError)) return error.status >= 500;
  const status = error.upstreamStatus;
  return status === null || status >= 500 || (status >= 200 && status < 300);
}

function isWorthRetryingSameRoute(error: GatewayError): boolean {
  return error.status === 429 || signalsOutage(error);
}

/**
 * Tries the plan's candidates in order, at most `plan.maxAttempts` times in all. A retryable failure
 * before the client got a byte (429, 5xx, timeout, reset, malformed body) moves on to the next
 * candidate; when every candidate has had its turn, the list is tried again after a jittered
 * exponential backoff (or the upstream's retry-after, if longer). `attempt` must throw only before
 * its first byte reaches the client; after that it returns, with `failure` set if the stream broke.
 * Every attempt feeds the route's health stats and circuit breaker.
 */
export async function runAttempts<Value>(
  router: Router,
  plan: RoutePlan,
  signal: AbortSignal,
  attempt: (candidate: RouteCandidate, attemptNumber: number) => Promise<AttemptResult<Value>>,
): Promise<AttemptsOutcome<Value>> {
  const { health, breakers, clock } = router;
  const attempts: AttemptRecord[] = [];
  const retryAfterByRoute = new Map<string, number>();
  let lastError: unknown;
  let lastCandidate: RouteCandidate | undefined;
  let retries = 0;
  let waited = 0;
  const count = plan.candidates.length;

  const fail = (error: unknown): never => {
    if (error instanceof GatewayError) {
      Object.assign(error.headers, toTraceHeaders(plan, attempts.length, lastCandidate));
    }
    if (error !== null && typeof error === "object") failedAttempts.set(error, attempts);
    throw error;
  };

  // Routes that failed in a way another try on them will not fix (a refused key).
  const noRetry = new Set<string>();
  // The breaker counts one failure per route per request, so a request's own retries cannot open it.
  const counted = new Set<string>();
  for (let index = 0; index < plan.maxAttempts && count > 0; index++) {
    const candidate = plan.candidates[index % count] as RouteCandidate;
    if (noRetry.has(candidate.key)) continue;
    if (index >= count) {
      retries++;
      const wait = Math.max(
        computeBackoffMs(retries, clock.random),
        retryAfterByRoute.get(candidate.key) ?? 0,
      );
      if (wait > maxSingleWaitMs || waited + wait > maxRetryWaitMs) continue;
      waited += wait;
      await clock.sleep(wait, signal);
    }
    if (!breakers.acquire(candidate.key)) continue;
    lastCandidate = candidate;
    const started = performance.now();
    try {
      const result = await attempt(candidate, attempts.length + 1);
      if (result.failure) {
        // Broken after the first byte: counted in the route's stats, but the breaker's business is
        // requests that could not start, which are the ones it can save.
        health.recordFailure(candidate.key);
        breakers.release(candidate.key);
      } else {
        health.recordSuccess(candidate.key, result.latencyMs, result.completionTokens, result.durationMs);
        breakers.recordSuccess(candidate.key);
      }
      attempts.push({
        model: candidate.model.id,
        provider: candidate.route.provider,
        status: result.failure?.status ?? 200,
        error_type: result.failure?.type ?? null,
        latency_ms: Math.round(performance.now() - started),
      });
      return { value: result.value, candidate, attempts };
    } catch (error) {
      const aborted = signal.aborted;
      const gatewayError = error instanceof GatewayError ? error : undefined;
      attempts.push({
        model: candidate.model.id,
        provider: candidate.route.provider,
        status: aborted ? clientClosedStatus : (gatewayError?.status ?? 500),
        error_type: aborted ? "client_closed" : (gatewayError?.type ?? "internal_error"),
        latency_ms: Math.round(performance.now() - started),
      });
      if (aborted || !isSwitchable(error)) {
        // The client left, or the request itself is at fault (4xx): says nothing against the route.
        breakers.release(candidate.key);
        return fail(error);
      }
      const retryAfterMs =
        error instanceof UpstreamError ? readRetryAfterMs(error.upstreamHeaders, clock.now()) : undefined;
      if (retryAfterMs !== undefined) retryAfterByRoute.set(candidate.key, retryAfterMs);
      health.recordFailure(candidate.key);
      if (signalsOutage(error) && !counted.has(candidate.key)) {
        counted.add(candidate.key);
        breakers.recordFailure(candidate.key, retryAfterMs);
      } else if (retryAfterMs !== undefined) {
        breakers.coolDown(candidate.key, retryAfterMs);
      } else {
        breakers.release(candidate.key);
      }
      if (!isWorthRetryingSameRoute(error)) noRetry.add(candidate.key);
      lastError = error;
    }
  }
  if (lastError === undefined) {
    return fail(
      new GatewayError("service_unavailable", {
        param: "model",
        headers: { "retry-after": "1" },
        message: "Every route of this model is failing right now (circuit open); retry shortly.",
      }),
    );
  }
  return fail(lastError);
}
