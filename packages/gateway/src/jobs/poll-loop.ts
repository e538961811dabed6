/** Timers a loop polls with; tests pass ones they fire by hand (same shape as the webhook dispatcher's). */
export interface LoopTimers {
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemLoopTimers: LoopTimers = {
  setTimeout(callback, delayMs) {
    const handle = setTimeout(callback, delayMs);
    // Polling alone must not keep a process alive.
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface PollLoop {
  start(): void;
  /** Runs soon (work was just added in this process). */
  wake(): void;
  /** Runs once now, after any run in progress; resolves with what `run` returned. */
  runNow(): Promise<number>;
  /** Stops scheduling and waits for the run in progress. */
  stop(): Promise<void>;
}

/**
 * Calls `run` every `intervalMs`, never two at once. A run that found work (returned > 0) is followed
 * at once by another, so a backlog drains without waiting a whole interval per batch.
 */
export function createPollLoop(options: {
  run: () => Promise<number>;
  intervalMs: number;
  timers: LoopTimers;
  onError: (error: unknown) => void;
}): PollLoop {
  const { timers } = options;
  let handle: unknown;
  let stopped = true;
  let current: Promise<number> = Promise.resolve(0);

  function schedule(delayMs: number): void {
    if (stopped) return;
    if (handle !== undefined) timers.clearTimeout(handle);
    handle = timers.setTimeout(() => {
      handle = undefined;
      void runNow().then((found) => schedule(found > 0 ? 0 : options.intervalMs));
    }, delayMs);
  }

  function runNow(): Promise<number> {
    current = current.then(
      () =>
        options.run().catch((error: unknown) => {
          options.onError(error);
          return 0;
        }),
      () => 0,
    );
    return current;
  }

  return {
    start() {
      stopped = false;
      schedule(0);
    },
    wake() {
      schedule(0);
    },
    runNow,
    async stop() {
      stopped = true;
      if (handle !== undefined) timers.clearTimeout(handle);
      handle = undefined;
      await current.catch(() => undefined);
    },
  };
}
