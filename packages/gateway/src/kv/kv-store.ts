// The shared-counter contract: rate-limit windows, budget reservations, a small cache and live
// fan-out. The memory backend serves one process; the Redis backend makes the same counters hold
// across replicas (N replicas must not allow N× a limit), so both pass one contract suite.

export interface RateLimitResult {
  allowed: boolean;
  /** Events still admissible in the current window after this call. */
  remaining: number;
  /** Milliseconds until the window is empty again (every counted event has left it). */
  resetMs: number;
  /** 0 when allowed; otherwise milliseconds until the oldest counted event leaves the window. */
  retryAfterMs: number;
}

export interface CounterLimit {
  key: string;
  /** Integer nanodollars the counter may reach. */
  cap: number;
  /** Expiry of a counter this call creates (not refreshed). */
  ttlMs: number;
}

export interface ReserveAllResult {
  admitted: boolean;
  /** Index in `limits` of the first counter that had no room; -1 when admitted. */
  refusedIndex: number;
  /** Every counter after this call, in `limits` order. */
  totals: number[];
}

export type MessageHandler = (message: string) => void;

export interface KvStore {
  /**
   * Rolling window: admits the call when fewer than `limit` events were admitted in
   * (nowMs − windowMs, nowMs]. A refused call is not counted, so hammering a limit does not extend
   * the wait. `nowMs` must come from the same clock on every replica (wall time in production).
   */
  consumeRateLimit(key: string, limit: number, windowMs: number, nowMs: number): Promise<RateLimitResult>;

  /** 0 when the counter does not exist. */
  readCounter(key: string): Promise<number>;
  /**
   * Adds `amount` to every counter only if each stays ≤ its cap, as one atomic step (a request
   * charged to a sub-account, its parent and a tag budget takes room in all three or in none).
   */
  reserveAll(limits: readonly CounterLimit[], amount: number): Promise<ReserveAllResult>;
  /** Adds `delta` to each counter that exists (settling or releasing a reservation); returns totals. */
  adjustAll(keys: readonly string[], delta: number): Promise<number[]>;
  /** Creates the counter with `value` unless it exists; true when this call created it. */
  seedCounter(key: string, value: number, ttlMs: number): Promise<boolean>;
  /** Removes a counter, so the next seedCounter starts it afresh (a cap was changed). */
  deleteCounter(key: string): Promise<void>;

  get(key: string): Promise<string | undefined>;
  /** Every entry expires, so the cache cannot grow without bound. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Deletes the `get`/`set` entries whose key starts with `prefix`; returns how many. */
  deleteByPrefix(prefix: string): Promise<number>;

  /** At-most-once delivery to every current subscriber, in any process sharing the store. */
  publish(channel: string, message: string): Promise<void>;
  /** Resolves once the subscription is live; the returned function ends it. */
  subscribe(channel: string, handler: MessageHandler): Promise<() => Promise<void>>;

  /** Never throws: false when the backend cannot serve. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * The backend cannot answer (Redis down, timed out, store closed). Callers fail closed on it with a
 * 503 rather than letting a request through unchecked.
 */
export class KvUnavailableError extends Error {
  override readonly name = "KvUnavailableError";

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Counters hold integer nanodollars; beyond 2^53 a double (and Redis Lua's number) loses cents. */
export function assertSafeInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${name} must be a safe integer, got ${value}`);
}

export function assertRateLimitArguments(limit: number, windowMs: number, nowMs: number): void {
  if (!Number.isSafeInteger(limit) || limit < 0)
    throw new RangeError(`limit must be an integer ≥ 0, got ${limit}`);
  if (!Number.isSafeInteger(windowMs) || windowMs <= 0) {
    throw new RangeError(`windowMs must be an integer > 0, got ${windowMs}`);
  }
  if (!Number.isSafeInteger(nowMs)) throw new RangeError(`nowMs must be an integer, got ${nowMs}`);
}

export function assertTtl(ttlMs: number): void {
  if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0)
    throw new RangeError(`ttlMs must be an integer > 0, got ${ttlMs}`);
}

export function assertReserveArguments(amount: number, cap: number, ttlMs: number): void {
  assertSafeInteger("amount", amount);
  assertSafeInteger("cap", cap);
  if (amount < 0) throw new RangeError(`amount must be ≥ 0, got ${amount}`);
  assertTtl(ttlMs);
}
