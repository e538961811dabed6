// Live measurements per route, in fixed memory: a ring of recent latencies (for the median), and
// exponentially weighted success rate and throughput, so old behaviour fades without storing history.

export interface RouteHealthSnapshot {
  requests: number;
  successes: number;
  failures: number;
  /** Weighted towards recent attempts (EWMA, α = 0.1); 1 before any attempt. */
  successRate: number;
  /** Median of the last `windowSize` successful latencies (first token for streams), or null. */
  p50LatencyMs: number | null;
  /** Completion tokens per second of recent successes (EWMA), or null before one. */
  throughputTokensPerSecond: number | null;
  lastAttemptAt: number | null;
}

export interface RouteHealth {
  recordSuccess(key: string, latencyMs: number, completionTokens: number, durationMs: number): void;
  recordFailure(key: string): void;
  snapshot(key: string): RouteHealthSnapshot;
  /** Routes with measurements, for GET /v1/health/providers. */
  keys(): string[];
}

interface Stats {
  requests: number;
  successes: number;
  failures: number;
  successRate: number;
  latencies: Float64Array;
  latencyCount: number;
  nextLatency: number;
  /** The median of the ring as last computed; null once a new latency makes it stale. */
  medianLatency: number | null;
  throughput: number | null;
  lastAttemptAt: number;
}

const successAlpha = 0.1;
const throughputAlpha = 0.2;

const emptySnapshot: RouteHealthSnapshot = {
  requests: 0,
  successes: 0,
  failures: 0,
  successRate: 1,
  p50LatencyMs: null,
  throughputTokensPerSecond: null,
  lastAttemptAt: null,
};

function median(values: Float64Array, count: number): number {
  const sorted = Array.from(values.subarray(0, count)).sort((left, right) => left - right);
  const middle = Math.floor(count / 2);
  return count % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

export function createRouteHealth(
  now: () => number,
  options: { windowSize?: number; maxRoutes?: number } = {},
): RouteHealth {
  const windowSize = options.windowSize ?? 50;
  const maxRoutes = options.maxRoutes ?? 10_000;
  const routes = new Map<string, Stats>();

  function get(key: string): Stats {
    let stats = routes.get(key);
    if (!stats) {
      stats = {
        requests: 0,
        successes: 0,
        failures: 0,
        successRate: 1,
        latencies: new Float64Array(windowSize),
        latencyCount: 0,
        nextLatency: 0,
        medianLatency: null,
        throughput: null,
        lastAttemptAt: 0,
      };
      routes.set(key, stats);
      if (routes.size > maxRoutes) routes.delete(routes.keys().next().value as string);
    }
    stats.requests++;
    stats.lastAttemptAt = now();
    return stats;
  }

  return {
    recordSuccess(key, latencyMs, completionTokens, durationMs) {
      const stats = get(key);
      stats.successes++;
      stats.successRate += successAlpha * (1 - stats.successRate);
      stats.latencies[stats.nextLatency] = Math.max(0, latencyMs);
      stats.nextLatency = (stats.nextLatency + 1) % windowSize;
      stats.latencyCount = Math.min(windowSize, stats.latencyCount + 1);
      stats.medianLatency = null;
      if (completionTokens > 0 && durationMs > 0) {
        const rate = (completionTokens * 1000) / durationMs;
        stats.throughput =
          stats.throughput === null ? rate : stats.throughput + throughputAlpha * (rate - stats.throughput);
      }
    },
    recordFailure(key) {
      const stats = get(key);
      stats.failures++;
      stats.successRate -= successAlpha * stats.successRate;
    },
    snapshot(key) {
      const stats = routes.get(key);
      if (!stats) return emptySnapshot;
      return {
        requests: stats.requests,
        successes: stats.successes,
        failures: stats.failures,
        successRate: stats.successRate,
        // Sorting the ring is the costly part: at most once per new latency, however often it is read.
        p50LatencyMs:
          stats.latencyCount > 0
            ? (stats.medianLatency ??= median(stats.latencies, stats.latencyCount))
            : null,
        throughputTokensPerSecond: stats.throughput,
        lastAttemptAt: stats.lastAttemptAt,
      };
    },
    keys: () => [...routes.keys()],
  };
}
