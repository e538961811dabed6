// One breaker per route (model × provider). A route that keeps failing is skipped instead of costing
// every request a timeout; after a cool-down one request probes it, and its outcome closes the breaker
// or re-opens it for longer.

export type BreakerState = "closed" | "open" | "half_open";

export interface BreakerSettings {
  /** Consecutive failures that open the breaker. */
  failureThreshold: number;
  /** How long the first opening lasts; each failed probe doubles it up to `maxOpenMs`. */
  openMs: number;
  maxOpenMs: number;
  /** Bound on tracked routes (the catalog is finite, but operator models are not). */
  maxRoutes: number;
}

export const defaultBreakerSettings: BreakerSettings = {
  failureThreshold: 5,
  openMs: 30_000,
  maxOpenMs: 300_000,
  maxRoutes: 10_000,
};

export interface BreakerSnapshot {
  state: BreakerState;
  consecutiveFailures: number;
  /** Epoch ms when an open breaker lets a probe through, or a rate-limited route is tried again. */
  retryAt: number | null;
}

export interface CircuitBreakers {
  /** Whether the route may be planned first now: not open, not cooling after a 429 (no side effect). */
  isAvailable(key: string): boolean;
  /**
   * Claims the right to send on the route: always in closed state (even while cooling after a 429:
   * the planner already put such a route last); the one probe once an open breaker's time is up;
   * false while a probe is already out or the breaker is open.
   */
  acquire(key: string): boolean;
  recordSuccess(key: string): void;
  /** `coolDownMs`: the upstream's retry-after; the route is skipped at least that long. */
  recordFailure(key: string, coolDownMs?: number): void;
  /** A 429's retry-after: the route is skipped that long without counting as a failure. */
  coolDown(key: string, milliseconds: number): void;
  /** The attempt ended without saying anything about the route (client left): frees a probe. */
  release(key: string): void;
  snapshot(key: string): BreakerSnapshot;
}

interface Breaker {
  state: BreakerState;
  consecutiveFailures: number;
  openUntil: number;
  lastOpenMs: number;
  probeOut: boolean;
  coolUntil: number;
}

const closedSnapshot: BreakerSnapshot = { state: "closed", consecutiveFailures: 0, retryAt: null };

export function createCircuitBreakers(
  now: () => number,
  settings: BreakerSettings = defaultBreakerSettings,
): CircuitBreakers {
  const breakers = new Map<string, Breaker>();

  function get(key: string): Breaker {
    let breaker = breakers.get(key);
    if (!breaker) {
      breaker = {
        state: "closed",
        consecutiveFailures: 0,
        openUntil: 0,
        lastOpenMs: 0,
        probeOut: false,
        coolUntil: 0,
      };
      breakers.set(key, breaker);
      if (breakers.size > settings.maxRoutes) {
        // Forget the oldest route that is healthy; an open one keeps protecting requests.
        for (const [candidate, entry] of breakers) {
          if (entry.state === "closed" && candidate !== key) {
            breakers.delete(candidate);
            break;
          }
        }
      }
    }
    return breaker;
  }

  function open(breaker: Breaker, durationMs: number): void {
    breaker.state = "open";
    breaker.lastOpenMs = durationMs;
    breaker.openUntil = now() + durationMs;
    breaker.probeOut = false;
  }

  return {
    isAvailable(key) {
      const breaker = breakers.get(key);
      if (!breaker) return true;
      const time = now();
      if (time < breaker.coolUntil) return false;
      if (breaker.state === "open") return time >= breaker.openUntil;
      if (breaker.state === "half_open") return !breaker.probeOut;
      return true;
    },
    acquire(key) {
      const breaker = breakers.get(key);
      if (!breaker) return true;
      const time = now();
      // A cooling route was planned last on purpose (nothing better was left): it may be tried.
      if (breaker.state === "closed") return true;
      if (breaker.state === "open") {
        if (time < breaker.openUntil) return false;
        breaker.state = "half_open";
      }
      if (breaker.probeOut) return false;
      breaker.probeOut = true;
      return true;
    },
    recordSuccess(key) {
      const breaker = breakers.get(key);
      if (!breaker) return;
      breaker.state = "closed";
      breaker.consecutiveFailures = 0;
      breaker.probeOut = false;
      breaker.lastOpenMs = 0;
    },
    recordFailure(key, coolDownMs) {
      const breaker = get(key);
      breaker.consecutiveFailures++;
      if (coolDownMs !== undefined && coolDownMs > 0) {
        breaker.coolUntil = Math.max(breaker.coolUntil, now() + coolDownMs);
      }
      if (breaker.state === "half_open") {
        open(breaker, Math.min(settings.maxOpenMs, Math.max(settings.openMs, breaker.lastOpenMs * 2)));
      } else if (breaker.state === "closed" && breaker.consecutiveFailures >= settings.failureThreshold) {
        open(breaker, settings.openMs);
      }
    },
    coolDown(key, milliseconds) {
      const breaker = get(key);
      breaker.probeOut = false;
      if (milliseconds > 0) breaker.coolUntil = Math.max(breaker.coolUntil, now() + milliseconds);
    },
    release(key) {
      const breaker = breakers.get(key);
      if (breaker) breaker.probeOut = false;
    },
    snapshot(key) {
      const breaker = breakers.get(key);
      if (!breaker) return closedSnapshot;
      const time = now();
      const retryAt =
        breaker.state === "open"
          ? Math.max(breaker.openUntil, breaker.coolUntil)
          : breaker.coolUntil > time
            ? breaker.coolUntil
            : null;
      return { state: breaker.state, consecutiveFailures: breaker.consecutiveFailures, retryAt };
    },
  };
}
