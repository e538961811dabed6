import type { KvStore } from "./kv-store.ts";
import { MemoryKvStore } from "./memory-kv-store.ts";
import { openRedisKvStore } from "./redis-kv-store.ts";

export interface OpenKvStoreOptions {
  /** `REDIS_URL`; an empty string counts as unset, as `REDIS_URL=` in an env file means. */
  redisUrl: string | undefined;
  /** Redis only; default `aig:`. */
  keyPrefix?: string;
  /** Redis connection errors, e.g. for the logger; operations report them as KvUnavailableError. */
  onConnectionError?: (error: Error) => void;
}

/**
 * Redis when a URL is configured (shared by replicas), else in-process memory. Never rejects for an
 * unreachable Redis: the store fails its operations closed and recovers when Redis returns.
 */
export async function openKvStore(options: OpenKvStoreOptions): Promise<KvStore> {
  if (options.redisUrl) {
    return openRedisKvStore({
      url: options.redisUrl,
      ...(options.keyPrefix === undefined ? {} : { keyPrefix: options.keyPrefix }),
      ...(options.onConnectionError === undefined ? {} : { onConnectionError: options.onConnectionError }),
    });
  }
  return new MemoryKvStore();
}
