import { setTimeout as sleep } from "node:timers/promises";

/**
 * Re-checks a condition until it holds. For effects that happen behind a response (a usage row
 * written after the client left): correctness does not depend on timing, only how long it waits;
 * the test's own timeout bounds it.
 */
export async function waitFor<T>(check: () => Promise<T | undefined> | T | undefined): Promise<T> {
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    await sleep(10);
  }
}
