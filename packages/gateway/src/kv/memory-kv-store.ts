// The embedded backend: one process, no setup. Every map is bounded (entries expire, a sweep drops
// the expired ones, and a key cap evicts the least recently used) so a flood of distinct keys
// cannot exhaust the heap.
import { EventEmitter } from "node:events";
import {
  assertRateLimitArguments,
  assertReserveArguments,
  assertSafeInteger,
  assertTtl,
  KvUnavailableError,
} from "./kv-store.ts";
import type { CounterLimit, KvStore, MessageHandler, RateLimitResult, ReserveAllResult } from "./kv-store.ts";

export interface MemoryKvStoreOptions {
  /** The clock for expiry; tests inject one. Rate-limit `nowMs` must come from the same clock. */
  now?: () => number;
  /** Per kind (rate-limit windows, counters, cache entries). Default 100,000. */
  maxKeys?: number;
  /** Default 30 s; 0 disables the timer (expired entries are still ignored on read). */
  sweepIntervalMs?: number;
  /** Where a throwing subscriber's error goes; one bad handler must not starve the others. */
  onHandlerError?: (error: unknown) => void;
}

interface Window {
  /** Admitted event times, ascending; those before `head` have left the window. */
  events: number[];
  /**
   * Dropping expired events by splice(0, n) would copy the whole array on every call (a hot key at
   * 30,000 RPM holds 30,000 events); advancing an index and compacting now and then is O(1) amortised.
   */
  head: number;
  expiresAt: number;
}

interface Counter {
  value: number;
  expiresAt: number;
}

interface CacheEntry {
  value: string;
  expiresAt: number;
}

export class MemoryKvStore implements KvStore {
  readonly #now: () => number;
  readonly #maxKeys: number;
  readonly #onHandlerError: (error: unknown) => void;
  readonly #windows = new Map<string, Window>();
  readonly #counters = new Map<string, Counter>();
  readonly #cache = new Map<string, CacheEntry>();
  readonly #bus = new EventEmitter();
  readonly #sweepTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: MemoryKvStoreOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#maxKeys = options.maxKeys ?? 100_000;
    this.#onHandlerError =
      options.onHandlerError ?? ((error) => console.error("kv subscriber failed:", error));
    // Subscribers are per channel and per feature; the default 10 would warn on legitimate use.
    this.#bus.setMaxListeners(0);
    const sweepIntervalMs = options.sweepIntervalMs ?? 30_000;
    if (sweepIntervalMs > 0) {
      this.#sweepTimer = setInterval(() => this.sweep(), sweepIntervalMs);
      // The sweep must never keep a process alive that is otherwise done.
      this.#sweepTimer.unref();
    }
  }

  /** Drops every expired entry; run by the timer, public so tests and callers can force it. */
  sweep(): void {
    const now = this.#now();
    for (const map of [this.#windows, this.#counters, this.#cache] as Map<string, { expiresAt: number }>[]) {
      for (const [key, entry] of map) if (entry.expiresAt <= now) map.delete(key);
    }
  }

  /** How many keys are held, per kind; for tests and metrics. */
  size(): { windows: number; counters: number; cache: number } {
    return { windows: this.#windows.size, counters: this.#counters.size, cache: this.#cache.size };
  }

  async consumeRateLimit(
    key: string,
    limit: number,
    windowMs: number,
    nowMs: number,
  ): Promise<RateLimitResult> {
    this.#assertOpen();
    assertRateLimitArguments(limit, windowMs, nowMs);
    const window = this.#windows.get(key);
    let events = window?.events ?? [];
    // An event at t counts while now < t + windowMs, the same boundary as the Redis script.
    let head = firstIndexAbove(events, nowMs - windowMs, window?.head ?? 0);
    if (head > 1_024 && head * 2 > events.length) {
      events = events.slice(head);
      head = 0;
    }
    const allowed = events.length - head < limit;
    if (allowed) {
      const last = events.at(-1);
      if (last === undefined || last <= nowMs || events.length === head) events.push(nowMs);
      else events.splice(firstIndexAbove(events, nowMs, head), 0, nowMs);
    }
    const count = events.length - head;
    const oldest = count > 0 ? events[head] : undefined;
    const newest = count > 0 ? events.at(-1) : undefined;
    if (newest === undefined) {
      this.#windows.delete(key);
    } else {
      this.#windows.delete(key);
      this.#windows.set(key, { events, head, expiresAt: this.#now() + (newest + windowMs - nowMs) });
      evictOldest(this.#windows, this.#maxKeys);
    }
    return {
      allowed,
      remaining: Math.max(0, limit - count),
      resetMs: newest === undefined ? 0 : newest + windowMs - nowMs,
      retryAfterMs: allowed ? 0 : oldest === undefined ? windowMs : oldest + windowMs - nowMs,
    };
  }

  async readCounter(key: string): Promise<number> {
    this.#assertOpen();
    return this.#liveCounter(key)?.value ?? 0;
  }

  async reserveAll(limits: readonly CounterLimit[], amount: number): Promise<ReserveAllResult> {
    this.#assertOpen();
    for (const limit of limits) assertReserveArguments(amount, limit.cap, limit.ttlMs);
    const totals = limits.map((limit) => this.#liveCounter(limit.key)?.value ?? 0);
    const refusedIndex = limits.findIndex((limit, index) => (totals[index] ?? 0) + amount > limit.cap);
    if (refusedIndex !== -1) return { admitted: false, refusedIndex, totals };
    for (const limit of limits) {
      const counter = this.#liveCounter(limit.key);
      if (counter) counter.value += amount;
      else this.#createCounter(limit.key, amount, limit.ttlMs);
    }
    return { admitted: true, refusedIndex: -1, totals: totals.map((total) => total + amount) };
  }

  async adjustAll(keys: readonly string[], delta: number): Promise<number[]> {
    this.#assertOpen();
    assertSafeInteger("delta", delta);
    return keys.map((key) => this.#adjust(key, delta));
  }

  async seedCounter(key: string, value: number, ttlMs: number): Promise<boolean> {
    this.#assertOpen();
    assertSafeInteger("value", value);
    assertTtl(ttlMs);
    if (this.#liveCounter(key)) return false;
    this.#createCounter(key, value, ttlMs);
    return true;
  }

  async deleteCounter(key: string): Promise<void> {
    this.#assertOpen();
    this.#counters.delete(key);
  }

  #createCounter(key: string, value: number, ttlMs: number): void {
    // Budget counters are never evicted: forgetting spend would let a capped account spend again.
    if (this.#counters.size >= this.#maxKeys) this.sweep();
    if (this.#counters.size >= this.#maxKeys) {
      throw new KvUnavailableError(`memory kv store holds ${this.#maxKeys} counters; refusing a new one`);
    }
    this.#counters.set(key, { value, expiresAt: this.#now() + ttlMs });
  }

  async get(key: string): Promise<string | undefined> {
    this.#assertOpen();
    const entry = this.#cache.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.#now()) {
      this.#cache.delete(key);
      return undefined;
    }
    // Re-inserting keeps Map order = recency, so eviction drops the least recently used entry.
    this.#cache.delete(key);
    this.#cache.set(key, entry);
    return entry.value;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.#assertOpen();
    assertTtl(ttlMs);
    this.#cache.delete(key);
    this.#cache.set(key, { value, expiresAt: this.#now() + ttlMs });
    evictOldest(this.#cache, this.#maxKeys);
  }

  async delete(key: string): Promise<void> {
    this.#assertOpen();
    this.#cache.delete(key);
  }

  async deleteByPrefix(prefix: string): Promise<number> {
    this.#assertOpen();
    let deleted = 0;
    for (const key of this.#cache.keys()) {
      if (key.startsWith(prefix)) {
        this.#cache.delete(key);
        deleted += 1;
      }
    }
    return deleted;
  }

  async publish(channel: string, message: string): Promise<void> {
    this.#assertOpen();
    // Delivered on a later tick, as over Redis: a publisher never runs subscriber code inline.
    setImmediate(() => this.#bus.emit(channel, message));
  }

  async subscribe(channel: string, handler: MessageHandler): Promise<() => Promise<void>> {
    this.#assertOpen();
    const listener = (message: string): void => {
      try {
        handler(message);
      } catch (error) {
        this.#onHandlerError(error);
      }
    };
    this.#bus.on(channel, listener);
    return async () => {
      this.#bus.off(channel, listener);
    };
  }

  async ping(): Promise<boolean> {
    return !this.#closed;
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#sweepTimer) clearInterval(this.#sweepTimer);
    this.#bus.removeAllListeners();
    this.#windows.clear();
    this.#counters.clear();
    this.#cache.clear();
  }

  #liveCounter(key: string): Counter | undefined {
    const counter = this.#counters.get(key);
    if (counter && counter.expiresAt <= this.#now()) {
      this.#counters.delete(key);
      return undefined;
    }
    return counter;
  }

  /** A missing counter stays missing: its period has ended, and recreating it would never expire. */
  #adjust(key: string, delta: number): number {
    const counter = this.#liveCounter(key);
    if (!counter) return 0;
    const value = counter.value + delta;
    assertSafeInteger("counter", value);
    counter.value = value;
    return value;
  }

  #assertOpen(): void {
    if (this.#closed) throw new KvUnavailableError("kv store is closed");
  }
}

/** Index of the first element > value in an ascending array, searching from `low` (binary search). */
function firstIndexAbove(sorted: readonly number[], value: number, low = 0): number {
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] as number) <= value) low = middle + 1;
    else high = middle;
  }
  return low;
}

function evictOldest(map: Map<string, unknown>, maxKeys: number): void {
  while (map.size > maxKeys) {
    const oldest = map.keys().next();
    if (oldest.done) return;
    map.delete(oldest.value);
  }
}
