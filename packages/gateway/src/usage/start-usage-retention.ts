import type { UsageStore } from "../storage/storage.ts";

export interface UsageRetention {
  /** Deletes raw rows older than the retention now; returns how many. */
  sweep(): Promise<number>;
  stop(): void;
}

/**
 * Prunes the raw usage log to the retention window every `intervalMs` (hourly by default). Reports read
 * the rollups, which are kept, so pruning changes no total.
 */
export function startUsageRetention(options: {
  store: UsageStore;
  retentionDays: number;
  intervalMs?: number;
  now?: () => number;
  onError: (error: unknown) => void;
}): UsageRetention {
  const now = options.now ?? Date.now;
  const sweep = async (): Promise<number> =>
    options.retentionDays > 0
      ? options.store.deleteUsageBefore(now() - options.retentionDays * 86_400_000)
      : 0;
  const timer =
    options.retentionDays > 0
      ? setInterval(() => {
          sweep().catch(options.onError);
        }, options.intervalMs ?? 3_600_000)
      : undefined;
  timer?.unref();
  return { sweep, stop: () => clearInterval(timer) };
}
