import type { UsageRecord, UsageStore } from "../storage/storage.ts";

export interface UsageWriter {
  /** Queues a record; never waits on storage. */
  record(usage: UsageRecord): void;
  /** Writes everything queued so far (in batches) and resolves when it is stored. */
  flush(): Promise<void>;
  /** Stops the timer and flushes what is left. */
  close(): Promise<void>;
}

export interface UsageWriterOptions {
  store: UsageStore;
  flushIntervalMs: number;
  batchSize?: number;
  /** Bound on memory if storage is down for long; beyond it the oldest records are dropped and logged. */
  maxPending?: number;
  onError?: (error: unknown, pending: number) => void;
  /** Each batch once it is stored (the live usage stream fans it out). */
  onWritten?: (batch: readonly UsageRecord[]) => void;
}

/**
 * Write-behind usage log: requests only append to an in-memory queue; a timer (or a full batch)
 * writes multi-row batches. A failed write keeps the records for the next attempt, so nothing is lost
 * while storage recovers.
 */
export function createUsageWriter(options: UsageWriterOptions): UsageWriter {
  const batchSize = options.batchSize ?? 500;
  const maxPending = options.maxPending ?? 200_000;
  let queue: UsageRecord[] = [];
  let flushing: Promise<void> | undefined;
  let closed = false;

  async function writeQueued(): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.slice(0, batchSize);
      try {
        await options.store.insertUsage(batch);
      } catch (error) {
        options.onError?.(error, queue.length);
        return;
      }
      queue = queue.slice(batch.length);
      options.onWritten?.(batch);
    }
  }

  function flush(): Promise<void> {
    // Flushes are serialised so batches are never written twice or out of order.
    flushing ??= writeQueued().finally(() => {
      flushing = undefined;
    });
    return flushing;
  }

  const timer = setInterval(() => void flush(), options.flushIntervalMs);
  timer.unref();

  return {
    record(usage) {
      queue.push(usage);
      if (queue.length > maxPending) {
        const dropped = queue.splice(0, queue.length - maxPending);
        options.onError?.(new Error(`usage queue full: dropped ${dropped.length} records`), queue.length);
      }
      if (queue.length >= batchSize && !closed) void flush();
    },
    async flush() {
      await flush();
      // A record queued while a flush ran is written by a second pass.
      if (queue.length > 0) await flush();
    },
    async close() {
      closed = true;
      clearInterval(timer);
      await flush();
      if (queue.length > 0) await flush();
    },
  };
}
