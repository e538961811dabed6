/**
 * Holds the first `parties` callers of `arrive` until all of them have arrived, then lets everyone
 * through (later callers do not wait). A fake upstream that holds requests this way proves they were
 * in flight at the same time, without depending on how long anything takes.
 */
export function createBarrier(parties: number): { arrive(): Promise<void>; arrived(): number } {
  let count = 0;
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return {
    arrive() {
      count += 1;
      if (count >= parties) open();
      return opened;
    },
    arrived: () => count,
  };
}
