export interface RetentionSweeperOptions {
  sweep: () => Promise<unknown>;
  intervalMs: number;
  onError: (error: unknown) => void;
}

export interface RetentionSweeper {
  /** Stops the timer and waits for a sweep in progress, so storage can close after it. */
  stop(): Promise<void>;
}

/**
 * Runs the sweep on a timer. Every replica may run one: deletes are idempotent, and a file past its
 * expiry is refused on read whether or not it has been swept yet.
 */
export function startRetentionSweeper(options: RetentionSweeperOptions): RetentionSweeper {
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    running ??= options
      .sweep()
      .then(() => undefined, options.onError)
      .finally(() => {
        running = undefined;
      });
  }, options.intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
