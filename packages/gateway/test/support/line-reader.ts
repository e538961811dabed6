import type { Readable } from "node:stream";
import { createInterface } from "node:readline";

/** Reads a child process's JSON log lines and waits for one with a given `message`. */
export function createLogReader(stream: Readable) {
  const seen: Record<string, unknown>[] = [];
  const waiters: { message: string; resolve: (entry: Record<string, unknown>) => void }[] = [];
  let ended = false;
  const lines = createInterface({ input: stream });
  lines.on("line", (line) => {
    if (!line.startsWith("{")) return;
    const entry = JSON.parse(line) as Record<string, unknown>;
    seen.push(entry);
    for (const waiter of [...waiters]) {
      if (waiter.message === entry.message) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(entry);
      }
    }
  });
  lines.on("close", () => {
    ended = true;
  });
  return {
    waitFor(message: string): Promise<Record<string, unknown>> {
      const found = seen.find((entry) => entry.message === message);
      if (found) return Promise.resolve(found);
      if (ended) return Promise.reject(new Error(`process exited before logging "${message}"`));
      return new Promise((resolve) => waiters.push({ message, resolve }));
    },
  };
}
