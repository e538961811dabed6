import type { LoopTimers } from "./poll-loop.ts";

/**
 * Renews a lease every third of its length until the returned function is called, so work that
 * outlasts the lease (a slow upstream) is not taken by another worker and sent upstream twice while
 * it still runs. A failed renewal is tried again on the next beat; a lease truly lost makes the
 * holder's guarded save or finish a no-op.
 */
export function keepLeaseAlive(
  timers: LoopTimers,
  leaseMs: number,
  renew: () => Promise<unknown>,
): () => void {
  let stopped = false;
  let handle: unknown;
  const beat = (): void => {
    handle = timers.setTimeout(
      () => {
        handle = undefined;
        void renew()
          .catch(() => false)
          // Checked after the renewal, not before: the work may have ended while it was in flight.
          .then(() => {
            if (!stopped) beat();
          });
      },
      Math.max(10, Math.floor(leaseMs / 3)),
    );
  };
  beat();
  return () => {
    stopped = true;
    if (handle !== undefined) timers.clearTimeout(handle);
  };
}
