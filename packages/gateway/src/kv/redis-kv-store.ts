// The scaled-out backend: every replica shares the same windows, counters, cache and channels.
// Commands fail fast while Redis is unreachable (no offline queue) so the request path can answer a
// clear 503 instead of piling up; ioredis keeps reconnecting in the background.
import { randomUUID } from "node:crypto";
import { Redis, ReplyError } from "ioredis";
import {
  assertRateLimitArguments,
  assertReserveArguments,
  assertSafeInteger,
  assertTtl,
  KvUnavailableError,
} from "./kv-store.ts";
import type { CounterLimit, KvStore, MessageHandler, RateLimitResult, ReserveAllResult } from "./kv-store.ts";
import { adjustAllScript, consumeRateLimitScript, reserveAllScript } from "./redis-scripts.ts";
import type { LuaScript } from "./redis-scripts.ts";

export interface RedisKvStoreOptions {
  url: string;
  /** Prepended to every key and channel, so deployments (and test runs) can share one Redis. */
  keyPrefix?: string;
  /** A command unanswered after this fails with KvUnavailableError. Default 1,000 ms. */
  commandTimeoutMs?: number;
  /** Default 2,000 ms. */
  connectTimeoutMs?: number;
  /** Connection errors (each reconnect attempt); callers see them as KvUnavailableError anyway. */
  onConnectionError?: (error: Error) => void;
  onHandlerError?: (error: unknown) => void;
}

/** Replies that mean "cannot serve now" rather than a bug in the command. */
const UNAVAILABLE_REPLY = /^(LOADING|READONLY|MASTERDOWN|BUSY|CLUSTERDOWN|TRYAGAIN)\b/;

interface Subscription {
  handlers: Set<MessageHandler>;
  /** Settles when Redis has acknowledged SUBSCRIBE; later subscribers to the channel await it too. */
  live: Promise<void>;
}

export class RedisKvStore implements KvStore {
  readonly #url: string;
  readonly #prefix: string;
  readonly #connectTimeoutMs: number;
  readonly #commandTimeoutMs: number;
  readonly #onConnectionError: (error: Error) => void;
  readonly #onHandlerError: (error: unknown) => void;
  readonly #client: Redis;
  /** Members must be unique per event, or two events in the same millisecond would merge. */
  readonly #memberPrefix = `${randomUUID()}:`;
  #sequence = 0;
  #subscriber: Redis | undefined;
  readonly #subscriptions = new Map<string, Subscription>();
  #closed = false;

  constructor(options: RedisKvStoreOptions) {
    this.#url = options.url;
    this.#prefix = options.keyPrefix ?? "aig:";
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 2_000;
    this.#onConnectionError = options.onConnectionError ?? (() => {});
    this.#onHandlerError =
      options.onHandlerError ?? ((error) => console.error("kv subscriber failed:", error));
    this.#commandTimeoutMs = options.commandTimeoutMs ?? 1_000;
    this.#client = this.#connect();
  }

  /** Resolves true once connected, false on the first failure or timeout; never throws. */
  async waitUntilReady(): Promise<boolean> {
    return waitForReady(this.#client, this.#connectTimeoutMs);
  }

  async consumeRateLimit(
    key: string,
    limit: number,
    windowMs: number,
    nowMs: number,
  ): Promise<RateLimitResult> {
    assertRateLimitArguments(limit, windowMs, nowMs);
    this.#sequence += 1;
    const reply = await this.#script(
      consumeRateLimitScript,
      this.#key("rl:", key),
      limit,
      windowMs,
      nowMs,
      `${this.#memberPrefix}${this.#sequence}`,
      nowMs - windowMs,
    );
    const [allowedFlag, count, oldestScore, newestScore] = asArray(reply);
    const allowed = asNumber(allowedFlag) === 1;
    const counted = asNumber(count);
    const oldest = oldestScore === undefined ? undefined : asNumber(oldestScore);
    const newest = newestScore === undefined ? undefined : asNumber(newestScore);
    return {
      allowed,
      remaining: Math.max(0, limit - counted),
      resetMs: newest === undefined ? 0 : newest + windowMs - nowMs,
      retryAfterMs: allowed ? 0 : oldest === undefined ? windowMs : oldest + windowMs - nowMs,
    };
  }

  async readCounter(key: string): Promise<number> {
    const value = await this.#run(() => this.#client.get(this.#key("ctr:", key)));
    return value === null ? 0 : asNumber(value);
  }

  async reserveAll(limits: readonly CounterLimit[], amount: number): Promise<ReserveAllResult> {
    for (const limit of limits) assertReserveArguments(amount, limit.cap, limit.ttlMs);
    if (limits.length === 0) return { admitted: true, refusedIndex: -1, totals: [] };
    const reply = asArray(
      await this.#scriptOnKeys(
        reserveAllScript,
        limits.map((limit) => this.#key("ctr:", limit.key)),
        [amount, ...limits.flatMap((limit) => [limit.cap, limit.ttlMs])],
      ),
    );
    const refusedIndex = asNumber(reply[0]);
    return { admitted: refusedIndex === -1, refusedIndex, totals: reply.slice(1).map(asNumber) };
  }

  async adjustAll(keys: readonly string[], delta: number): Promise<number[]> {
    assertSafeInteger("delta", delta);
    if (keys.length === 0) return [];
    const reply = await this.#scriptOnKeys(
      adjustAllScript,
      keys.map((key) => this.#key("ctr:", key)),
      [delta],
    );
    return asArray(reply).map(asNumber);
  }

  async seedCounter(key: string, value: number, ttlMs: number): Promise<boolean> {
    assertSafeInteger("value", value);
    assertTtl(ttlMs);
    const reply = await this.#run(() => this.#client.set(this.#key("ctr:", key), value, "PX", ttlMs, "NX"));
    return reply === "OK";
  }

  async deleteCounter(key: string): Promise<void> {
    await this.#run(() => this.#client.unlink(this.#key("ctr:", key)));
  }

  async get(key: string): Promise<string | undefined> {
    const value = await this.#run(() => this.#client.get(this.#key("kv:", key)));
    return value ?? undefined;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    assertTtl(ttlMs);
    await this.#run(() => this.#client.set(this.#key("kv:", key), value, "PX", ttlMs));
  }

  async delete(key: string): Promise<void> {
    await this.#run(() => this.#client.unlink(this.#key("kv:", key)));
  }

  async deleteByPrefix(prefix: string): Promise<number> {
    return this.#deleteMatching(`${escapeGlob(this.#key("kv:", prefix))}*`);
  }

  /** Deletes every key under this store's prefix, of every kind; for tests and tenant teardown. */
  async deleteAll(): Promise<number> {
    return this.#deleteMatching(`${escapeGlob(this.#prefix)}*`);
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.#run(() => this.#client.publish(this.#channel(channel), message));
  }

  async subscribe(channel: string, handler: MessageHandler): Promise<() => Promise<void>> {
    if (this.#closed) throw new KvUnavailableError("kv store is closed");
    const name = this.#channel(channel);
    let subscription = this.#subscriptions.get(name);
    if (!subscription) {
      subscription = { handlers: new Set(), live: this.#subscribeChannel(name) };
      this.#subscriptions.set(name, subscription);
    }
    const current = subscription;
    // A distinct wrapper per call, so the same handler subscribed twice is unsubscribed once each.
    const wrapped: MessageHandler = (message) => handler(message);
    current.handlers.add(wrapped);
    try {
      await current.live;
    } catch (error) {
      current.handlers.delete(wrapped);
      if (this.#subscriptions.get(name) === current) this.#subscriptions.delete(name);
      throw error;
    }
    return async () => {
      current.handlers.delete(wrapped);
      if (current.handlers.size > 0 || this.#subscriptions.get(name) !== current) return;
      this.#subscriptions.delete(name);
      // If this fails Redis is down and the subscription dies with the connection; messages that
      // reach a channel without handlers are dropped, so there is nothing to undo.
      await this.#subscriber?.unsubscribe(name).catch(() => {});
    };
  }

  async ping(): Promise<boolean> {
    if (this.#closed) return false;
    try {
      return (await this.#client.ping()) === "PONG";
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#subscriptions.clear();
    const clients = [this.#client, this.#subscriber].filter((client) => client !== undefined);
    await Promise.all(
      clients.map(async (client) => {
        // QUIT lets in-flight replies arrive; a connection that is down has nothing to wait for.
        if (client.status === "ready") await client.quit().catch(() => client.disconnect());
        else client.disconnect();
      }),
    );
  }

  #connect(): Redis {
    const client = new Redis(this.#url, {
      // Queued commands would run after the caller already gave up (a reservation applied twice);
      // failing immediately is what lets limits fail closed.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: this.#commandTimeoutMs,
      connectTimeout: this.#connectTimeoutMs,
      retryStrategy: (attempt: number) => Math.min(attempt * 100, 2_000),
      // The reply parser rounds integers above 2^52 or so; as strings, counters stay exact to 2^53.
      stringNumbers: true,
    });
    // Without a listener ioredis prints every failed reconnect attempt as an unhandled error.
    client.on("error", (error: Error) => this.#onConnectionError(error));
    return client;
  }

  async #subscribeChannel(name: string): Promise<void> {
    if (!this.#subscriber) {
      // A connection in subscriber mode cannot run other commands, hence its own.
      const subscriber = this.#connect();
      subscriber.on("message", (channel: string, message: string) => this.#dispatch(channel, message));
      this.#subscriber = subscriber;
    }
    if (!(await waitForReady(this.#subscriber, this.#connectTimeoutMs))) {
      throw new KvUnavailableError("redis unavailable: subscriber connection not ready");
    }
    const subscriber = this.#subscriber;
    await this.#run(() => subscriber.subscribe(name));
  }

  #dispatch(channel: string, message: string): void {
    const subscription = this.#subscriptions.get(channel);
    if (!subscription) return;
    for (const handler of subscription.handlers) {
      try {
        handler(message);
      } catch (error) {
        this.#onHandlerError(error);
      }
    }
  }

  async #deleteMatching(pattern: string): Promise<number> {
    let cursor = "0";
    let deleted = 0;
    do {
      const [next, keys] = await this.#run(() => this.#client.scan(cursor, "MATCH", pattern, "COUNT", 500));
      cursor = next;
      // UNLINK frees memory off Redis's main thread; one batch per SCAN page keeps each call short.
      if (keys.length > 0) deleted += asNumber(await this.#run(() => this.#client.unlink(...keys)));
    } while (cursor !== "0");
    return deleted;
  }

  async #script(script: LuaScript, key: string, ...args: (string | number)[]): Promise<unknown> {
    return this.#scriptOnKeys(script, [key], args);
  }

  async #scriptOnKeys(
    script: LuaScript,
    keys: readonly string[],
    args: readonly (string | number)[],
  ): Promise<unknown> {
    return this.#run(async () => {
      try {
        return await this.#client.evalsha(script.sha, keys.length, ...keys, ...args);
      } catch (error) {
        // The script cache is empty after a Redis restart or failover; the source reloads it.
        if (isReplyError(error) && error.message.startsWith("NOSCRIPT")) {
          return await this.#client.eval(script.source, keys.length, ...keys, ...args);
        }
        throw error;
      }
    });
  }

  async #run<T>(operation: () => Promise<T>): Promise<T> {
    if (this.#closed) throw new KvUnavailableError("kv store is closed");
    try {
      return await operation();
    } catch (error) {
      if (isReplyError(error) && !UNAVAILABLE_REPLY.test(error.message)) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new KvUnavailableError(`redis unavailable: ${reason}`, { cause: error });
    }
  }

  #key(kind: string, key: string): string {
    return `${this.#prefix}${kind}${key}`;
  }

  #channel(channel: string): string {
    return `${this.#prefix}ch:${channel}`;
  }
}

/** Connects and waits (bounded) for the first connection, so early calls do not fail spuriously. */
export async function openRedisKvStore(options: RedisKvStoreOptions): Promise<RedisKvStore> {
  const store = new RedisKvStore(options);
  await store.waitUntilReady();
  return store;
}

function waitForReady(client: Redis, timeoutMs: number): Promise<boolean> {
  if (client.status === "ready") return Promise.resolve(true);
  if (client.status === "end") return Promise.resolve(false);
  return new Promise((resolve) => {
    const finish = (ready: boolean): void => {
      clearTimeout(timer);
      client.off("ready", onReady);
      client.off("error", onFailure);
      client.off("end", onFailure);
      resolve(ready);
    };
    const onReady = (): void => finish(true);
    const onFailure = (): void => finish(false);
    const timer = setTimeout(onFailure, timeoutMs);
    client.once("ready", onReady);
    client.once("error", onFailure);
    client.once("end", onFailure);
  });
}

/** Redis answered with an error: the command reached the server, so it is not an outage. */
function isReplyError(error: unknown): error is Error {
  return error instanceof ReplyError;
}

function escapeGlob(value: string): string {
  return value.replace(/[*?[\]\\]/g, "\\$&");
}

function asArray(reply: unknown): unknown[] {
  if (!Array.isArray(reply)) throw new TypeError(`unexpected Redis reply: ${String(reply)}`);
  return reply as unknown[];
}

function asNumber(value: unknown): number {
  const number = typeof value === "number" ? value : typeof value === "string" ? Number(value) : Number.NaN;
  if (!Number.isFinite(number)) throw new TypeError(`unexpected Redis reply: ${String(value)}`);
  return number;
}
