// The behaviours every KV backend must share, defined once and run over each backend: memory
// always, Redis when REDIS_URL is set. The Redis run uses a random key prefix and deletes it after.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { createConnection, createServer } from "node:net";
import type { AddressInfo, Server, Socket } from "node:net";
import { after, describe, test } from "node:test";
import { KvUnavailableError } from "../../src/kv/kv-store.ts";
import type { KvStore } from "../../src/kv/kv-store.ts";
import { MemoryKvStore } from "../../src/kv/memory-kv-store.ts";
import { openKvStore } from "../../src/kv/open-kv-store.ts";
import { RedisKvStore } from "../../src/kv/redis-kv-store.ts";

interface Backend {
  open(): Promise<KvStore>;
  /** Another store sharing the first one's state, as a second replica would (memory: itself). */
  openPeer(store: KvStore): Promise<KvStore>;
  /** Lets `ms` pass for TTLs: the memory backend's injected clock; real time for Redis. */
  elapse(ms: number): void;
  dispose(): Promise<void>;
}

function memoryBackend(): Backend {
  let clock = 1_800_000_000_000;
  const stores: KvStore[] = [];
  return {
    async open() {
      const store = new MemoryKvStore({ now: () => clock, sweepIntervalMs: 0 });
      stores.push(store);
      return store;
    },
    async openPeer(store) {
      return store;
    },
    elapse(ms) {
      clock += ms;
    },
    async dispose() {
      await Promise.all(stores.map((store) => store.close()));
    },
  };
}

function redisBackend(redisUrl: string): Backend {
  const keyPrefix = `aig-test-${randomUUID()}:`;
  const stores: KvStore[] = [];
  const open = async (): Promise<KvStore> => {
    const store = await openKvStore({ redisUrl, keyPrefix });
    stores.push(store);
    return store;
  };
  return {
    open,
    openPeer: open,
    elapse() {},
    async dispose() {
      const cleaner = new RedisKvStore({ url: redisUrl, keyPrefix });
      try {
        assert.equal(await cleaner.waitUntilReady(), true);
        await cleaner.deleteAll();
      } finally {
        await cleaner.close();
        await Promise.all(stores.map((store) => store.close()));
      }
    },
  };
}

// One counter through the multi-counter operations the spend guard uses, in the shape of a single
// reservation: what was admitted, how much was reserved, and the counter after.
async function reserve(store: KvStore, key: string, amount: number, cap: number, ttlMs: number) {
  const result = await store.reserveAll([{ key, cap, ttlMs }], amount);
  return { admitted: result.admitted, reserved: result.admitted ? amount : 0, total: result.totals[0] ?? 0 };
}

async function settle(store: KvStore, key: string, reserved: number, actual: number): Promise<number> {
  return (await store.adjustAll([key], actual - reserved))[0] ?? 0;
}

async function release(store: KvStore, key: string, reserved: number): Promise<number> {
  return (await store.adjustAll([key], -reserved))[0] ?? 0;
}

/** Polls instead of sleeping a fixed time: fast when the condition holds early, bounded when not. */
async function eventually(check: () => Promise<boolean>, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function contract(backend: Backend): void {
  after(() => backend.dispose());
  const unique = (name: string): string => `${name}:${randomUUID()}`;
  const start = 1_800_000_000_000;

  describe("consumeRateLimit", () => {
    test("admits exactly the limit of 3× the limit calls at the same instant", async () => {
      const store = await backend.open();
      const key = unique("rl");
      const results = await Promise.all(
        Array.from({ length: 15 }, () => store.consumeRateLimit(key, 5, 60_000, start)),
      );
      assert.equal(results.filter((result) => result.allowed).length, 5);
      const remaining = results.filter((result) => result.allowed).map((result) => result.remaining);
      assert.deepEqual(remaining.toSorted(), [0, 1, 2, 3, 4]);
      for (const refused of results.filter((result) => !result.allowed)) {
        assert.deepEqual(refused, { allowed: false, remaining: 0, resetMs: 60_000, retryAfterMs: 60_000 });
      }
    });

    test("refused calls are not counted and retryAfter is exact as the window slides", async () => {
      const store = await backend.open();
      const key = unique("rl");
      const window = 60_000;
      assert.deepEqual(await store.consumeRateLimit(key, 3, window, start), {
        allowed: true,
        remaining: 2,
        resetMs: 60_000,
        retryAfterMs: 0,
      });
      await store.consumeRateLimit(key, 3, window, start + 10);
      assert.deepEqual(await store.consumeRateLimit(key, 3, window, start + 20), {
        allowed: true,
        remaining: 0,
        resetMs: 60_000,
        retryAfterMs: 0,
      });
      for (let offset = 30; offset < 60_000; offset += 5_000) {
        assert.deepEqual(await store.consumeRateLimit(key, 3, window, start + offset), {
          allowed: false,
          remaining: 0,
          resetMs: 20 + window - offset,
          retryAfterMs: window - offset,
        });
      }
      // One millisecond early the oldest event still counts.
      const early = await store.consumeRateLimit(key, 3, window, start + window - 1);
      assert.equal(early.allowed, false);
      assert.equal(early.retryAfterMs, 1);
      // The oldest event has left: exactly one slot, because none of the refusals were counted.
      assert.deepEqual(await store.consumeRateLimit(key, 3, window, start + window), {
        allowed: true,
        remaining: 0,
        resetMs: window,
        retryAfterMs: 0,
      });
      assert.deepEqual(await store.consumeRateLimit(key, 3, window, start + window), {
        allowed: false,
        remaining: 0,
        resetMs: window,
        retryAfterMs: 10,
      });
      assert.equal((await store.consumeRateLimit(key, 3, window, start + window + 10)).allowed, true);
    });

    test("keys are independent and a zero limit refuses everything", async () => {
      const store = await backend.open();
      const [first, second] = [unique("rl"), unique("rl")];
      assert.equal((await store.consumeRateLimit(first, 1, 1_000, start)).allowed, true);
      assert.equal((await store.consumeRateLimit(first, 1, 1_000, start)).allowed, false);
      assert.equal((await store.consumeRateLimit(second, 1, 1_000, start)).allowed, true);
      assert.deepEqual(await store.consumeRateLimit(unique("rl"), 0, 1_000, start), {
        allowed: false,
        remaining: 0,
        resetMs: 0,
        retryAfterMs: 1_000,
      });
      await assert.rejects(store.consumeRateLimit(first, 1.5, 1_000, start), RangeError);
      await assert.rejects(store.consumeRateLimit(first, 1, 0, start), RangeError);
    });

    test("a peer store shares the window", async () => {
      const store = await backend.open();
      const peer = await backend.openPeer(store);
      const key = unique("rl");
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, index) =>
          (index % 2 === 0 ? store : peer).consumeRateLimit(key, 4, 60_000, start),
        ),
      );
      assert.equal(results.filter((result) => result.allowed).length, 4);
    });
  });

  describe("reservations", () => {
    test("200 concurrent reservations of 10 against a cap of 100 admit exactly 10", async () => {
      const store = await backend.open();
      const peer = await backend.openPeer(store);
      const key = unique("budget");
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, index) =>
          reserve(index % 2 === 0 ? store : peer, key, 10, 100, 60_000),
        ),
      );
      const admitted = results.filter((result) => result.admitted);
      assert.equal(admitted.length, 10);
      assert.ok(admitted.every((result) => result.reserved === 10));
      assert.ok(results.filter((result) => !result.admitted).every((result) => result.reserved === 0));
      assert.equal(await store.readCounter(key), 100);
    });

    test("settle and release adjust the counter by integers", async () => {
      const store = await backend.open();
      const key = unique("budget");
      assert.equal(await store.readCounter(key), 0);
      assert.deepEqual(await reserve(store, key, 50, 100, 60_000), {
        admitted: true,
        reserved: 50,
        total: 50,
      });
      assert.equal(await settle(store, key, 50, 30), 30);
      assert.deepEqual(await reserve(store, key, 70, 100, 60_000), {
        admitted: true,
        reserved: 70,
        total: 100,
      });
      assert.deepEqual(await reserve(store, key, 1, 100, 60_000), {
        admitted: false,
        reserved: 0,
        total: 100,
      });
      assert.equal(await release(store, key, 70), 30);
      // An admitted request may cost more than estimated; the overshoot is recorded, not lost.
      assert.deepEqual(await reserve(store, key, 20, 100, 60_000), {
        admitted: true,
        reserved: 20,
        total: 50,
      });
      assert.equal(await settle(store, key, 20, 75), 105);
      assert.deepEqual(await reserve(store, key, 0, 100, 60_000), {
        admitted: false,
        reserved: 0,
        total: 105,
      });
      assert.equal(await store.readCounter(key), 105);
    });

    test("counters hold integers up to 2^53", async () => {
      const store = await backend.open();
      const key = unique("budget");
      const big = Number.MAX_SAFE_INTEGER - 1;
      assert.deepEqual(await reserve(store, key, big, Number.MAX_SAFE_INTEGER, 60_000), {
        admitted: true,
        reserved: big,
        total: big,
      });
      assert.equal(await settle(store, key, big, big + 1), Number.MAX_SAFE_INTEGER);
      assert.equal(await store.readCounter(key), Number.MAX_SAFE_INTEGER);
      await assert.rejects(reserve(store, key, 0.5, 100, 60_000), RangeError);
      await assert.rejects(reserve(store, key, -1, 100, 60_000), RangeError);
      await assert.rejects(settle(store, key, 1, 1.5), RangeError);
    });

    test("a counter expires with its TTL and a late settle does not recreate it", async () => {
      const store = await backend.open();
      const key = unique("budget");
      await reserve(store, key, 10, 100, 50);
      assert.equal(await store.readCounter(key), 10);
      backend.elapse(50);
      await eventually(async () => (await store.readCounter(key)) === 0);
      assert.equal(await settle(store, key, 10, 12), 0);
      assert.equal(await store.readCounter(key), 0);
    });
  });

  describe("multi-counter reservations", () => {
    test("200 concurrent requests against three counters: each admitted one holds room in all", async () => {
      const store = await backend.open();
      const peer = await backend.openPeer(store);
      const [subAccount, parent, tag] = [unique("sa"), unique("parent"), unique("tag")];
      // The sub-account affords 10, the parent 15 (it has other spend), the tag 20.
      await store.seedCounter(parent, 50, 60_000);
      const limits = [
        { key: subAccount, cap: 100, ttlMs: 60_000 },
        { key: parent, cap: 200, ttlMs: 60_000 },
        { key: tag, cap: 200, ttlMs: 60_000 },
      ];
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, index) => (index % 2 === 0 ? store : peer).reserveAll(limits, 10)),
      );
      assert.equal(results.filter((result) => result.admitted).length, 10);
      assert.ok(results.filter((result) => !result.admitted).every((result) => result.refusedIndex === 0));
      assert.deepEqual(
        [await store.readCounter(subAccount), await store.readCounter(parent), await store.readCounter(tag)],
        [100, 150, 100],
      );
    });

    test("a refusal by any counter changes none, and names the counter", async () => {
      const store = await backend.open();
      const [first, second] = [unique("a"), unique("b")];
      await store.seedCounter(second, 95, 60_000);
      const result = await store.reserveAll(
        [
          { key: first, cap: 100, ttlMs: 60_000 },
          { key: second, cap: 100, ttlMs: 60_000 },
        ],
        10,
      );
      assert.deepEqual(result, { admitted: false, refusedIndex: 1, totals: [0, 95] });
      assert.deepEqual([await store.readCounter(first), await store.readCounter(second)], [0, 95]);
    });

    test("adjustAll settles every existing counter and skips missing ones", async () => {
      const store = await backend.open();
      const [first, second, missing] = [unique("a"), unique("b"), unique("missing")];
      const limits = [first, second].map((key) => ({ key, cap: 1_000, ttlMs: 60_000 }));
      assert.deepEqual((await store.reserveAll(limits, 300)).totals, [300, 300]);
      assert.deepEqual(await store.adjustAll([first, second, missing], -120), [180, 180, 0]);
      assert.equal(await store.readCounter(missing), 0);
      assert.deepEqual(await store.reserveAll([], 5), { admitted: true, refusedIndex: -1, totals: [] });
    });

    test("seedCounter creates once; deleteCounter lets it be seeded again", async () => {
      const store = await backend.open();
      const key = unique("seed");
      assert.equal(await store.seedCounter(key, 42, 60_000), true);
      assert.equal(await store.seedCounter(key, 7, 60_000), false);
      assert.equal(await store.readCounter(key), 42);
      await store.deleteCounter(key);
      assert.equal(await store.readCounter(key), 0);
      assert.equal(await store.seedCounter(key, 7, 60_000), true);
      assert.equal(await store.readCounter(key), 7);
    });
  });

  describe("cache", () => {
    test("get, set, overwrite and delete", async () => {
      const store = await backend.open();
      const key = unique("cache");
      assert.equal(await store.get(key), undefined);
      await store.set(key, "one", 60_000);
      assert.equal(await store.get(key), "one");
      await store.set(key, "two ✓", 60_000);
      assert.equal(await store.get(key), "two ✓");
      await store.delete(key);
      assert.equal(await store.get(key), undefined);
      await assert.rejects(store.set(key, "x", 0), RangeError);
    });

    test("entries expire after their TTL", async () => {
      const store = await backend.open();
      const key = unique("cache");
      await store.set(key, "short", 50);
      assert.equal(await store.get(key), "short");
      backend.elapse(50);
      await eventually(async () => (await store.get(key)) === undefined);
    });

    test("deleteByPrefix deletes only matching cache entries, globs taken literally", async () => {
      const store = await backend.open();
      const base = unique("cache");
      const keys = [`${base}:a:1`, `${base}:a:2`, `${base}:ab`, `${base}:b:1`, `${base}:*[x]?`];
      for (const key of keys) await store.set(key, key, 60_000);
      // Counters and windows share no namespace with the cache.
      await reserve(store, `${base}:a:counter`, 1, 10, 60_000);
      assert.equal(await store.deleteByPrefix(`${base}:a:`), 2);
      assert.deepEqual(await Promise.all(keys.map((key) => store.get(key))), [
        undefined,
        undefined,
        `${base}:ab`,
        `${base}:b:1`,
        `${base}:*[x]?`,
      ]);
      assert.equal(await store.deleteByPrefix(`${base}:*`), 1);
      assert.equal(await store.get(`${base}:b:1`), `${base}:b:1`);
      assert.equal(await store.readCounter(`${base}:a:counter`), 1);
    });

    test("deleteByPrefix handles more keys than one scan page", async () => {
      const store = await backend.open();
      const base = unique("bulk");
      await Promise.all(
        Array.from({ length: 1_200 }, (_, index) => store.set(`${base}:${index}`, "v", 60_000)),
      );
      assert.equal(await store.deleteByPrefix(`${base}:`), 1_200);
      assert.equal(await store.get(`${base}:7`), undefined);
    });
  });

  describe("publish/subscribe", () => {
    test("delivers to every subscriber of a peer store until it unsubscribes", async () => {
      const store = await backend.open();
      const peer = await backend.openPeer(store);
      const channel = unique("revocations");
      const first: string[] = [];
      const second: string[] = [];
      const unsubscribeFirst = await peer.subscribe(channel, (message) => first.push(message));
      const unsubscribeSecond = await peer.subscribe(channel, (message) => second.push(message));
      const other: string[] = [];
      const unsubscribeOther = await peer.subscribe(unique("other"), (message) => other.push(message));

      await store.publish(channel, "key_1");
      await eventually(async () => first.length === 1 && second.length === 1);
      assert.deepEqual(first, ["key_1"]);

      await unsubscribeFirst();
      await store.publish(channel, "key_2");
      await eventually(async () => second.length === 2);
      assert.deepEqual(first, ["key_1"]);
      assert.deepEqual(second, ["key_1", "key_2"]);
      assert.deepEqual(other, []);
      await unsubscribeSecond();
      await unsubscribeOther();
    });

    test("a throwing handler does not starve the others", async () => {
      const store = await backend.open();
      const channel = unique("logs");
      const received: string[] = [];
      const originalError = console.error;
      console.error = () => {};
      try {
        const unsubscribeBad = await store.subscribe(channel, () => {
          throw new Error("handler bug");
        });
        const unsubscribeGood = await store.subscribe(channel, (message) => received.push(message));
        await store.publish(channel, "line");
        await eventually(async () => received.length === 1);
        await unsubscribeBad();
        await unsubscribeGood();
      } finally {
        console.error = originalError;
      }
    });
  });

  describe("lifecycle", () => {
    test("ping is true while open; a closed store refuses with KvUnavailableError", async () => {
      const store = await backend.open();
      assert.equal(await store.ping(), true);
      await store.close();
      assert.equal(await store.ping(), false);
      await assert.rejects(store.get("x"), KvUnavailableError);
      await assert.rejects(reserve(store, "x", 1, 10, 1_000), KvUnavailableError);
      await assert.rejects(store.consumeRateLimit("x", 1, 1_000, start), KvUnavailableError);
    });
  });
}

describe("memory kv store", () => {
  contract(memoryBackend());

  test("bounds memory: expired entries are swept and the cache evicts least recently used", async () => {
    let clock = 0;
    const store = new MemoryKvStore({ now: () => clock, maxKeys: 3, sweepIntervalMs: 0 });
    try {
      await store.set("a", "1", 100);
      await store.set("b", "2", 100);
      await store.set("c", "3", 1_000);
      assert.equal(await store.get("a"), "1");
      await store.set("d", "4", 1_000);
      assert.equal(await store.get("b"), undefined);
      assert.equal(await store.get("a"), "1");
      await store.consumeRateLimit("rl", 5, 100, clock);
      clock = 200;
      store.sweep();
      assert.deepEqual(store.size(), { windows: 0, counters: 0, cache: 2 });
    } finally {
      await store.close();
    }
  });

  test("refuses a new counter when full rather than forgetting spend", async () => {
    const store = new MemoryKvStore({ maxKeys: 2, sweepIntervalMs: 0 });
    try {
      await reserve(store, "a", 1, 10, 60_000);
      await reserve(store, "b", 1, 10, 60_000);
      await assert.rejects(reserve(store, "c", 1, 10, 60_000), KvUnavailableError);
      assert.equal((await reserve(store, "a", 1, 10, 60_000)).total, 2);
    } finally {
      await store.close();
    }
  });
});

// Needs no Redis server: nothing listens on port 1, so this runs everywhere.
describe("unreachable redis", () => {
  test("every operation rejects with KvUnavailableError, quickly, without hanging", async () => {
    const started = Date.now();
    const store = await openKvStore({
      redisUrl: "redis://127.0.0.1:1",
      keyPrefix: `aig-test-${randomUUID()}:`,
    });
    try {
      await assert.rejects(store.consumeRateLimit("key", 10, 60_000, Date.now()), KvUnavailableError);
      await assert.rejects(reserve(store, "budget", 1, 10, 60_000), KvUnavailableError);
      await assert.rejects(settle(store, "budget", 1, 2), KvUnavailableError);
      await assert.rejects(store.readCounter("budget"), KvUnavailableError);
      await assert.rejects(store.reserveAll([{ key: "b", cap: 10, ttlMs: 1_000 }], 1), KvUnavailableError);
      await assert.rejects(store.adjustAll(["b"], 1), KvUnavailableError);
      await assert.rejects(store.seedCounter("b", 1, 1_000), KvUnavailableError);
      await assert.rejects(store.get("cache"), KvUnavailableError);
      await assert.rejects(store.set("cache", "v", 1_000), KvUnavailableError);
      await assert.rejects(store.deleteByPrefix("cache"), KvUnavailableError);
      await assert.rejects(store.publish("channel", "m"), KvUnavailableError);
      await assert.rejects(
        store.subscribe("channel", () => {}),
        KvUnavailableError,
      );
      assert.equal(await store.ping(), false);
    } finally {
      await store.close();
    }
    assert.ok(Date.now() - started < 5_000, `took ${Date.now() - started} ms`);
  });
});

/** A TCP forwarder to Redis that can be cut and restored on the same port, to simulate an outage. */
class OutageProxy {
  readonly #target: { host: string; port: number };
  readonly #sockets = new Set<Socket>();
  #server: Server | undefined;
  port = 0;

  constructor(redisUrl: string) {
    const url = new URL(redisUrl);
    this.#target = { host: url.hostname, port: Number(url.port || 6379) };
  }

  async start(): Promise<void> {
    const server = createServer((client) => {
      const upstream = createConnection(this.#target);
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.on("close", () => this.#sockets.delete(socket));
        socket.on("error", () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    server.listen(this.port, "127.0.0.1");
    await once(server, "listening");
    this.port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const socket of this.#sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

const redisUrl = process.env.REDIS_URL;
describe("redis kv store", redisUrl ? {} : { skip: "REDIS_URL not set: Redis KV tests skipped" }, () => {
  if (!redisUrl) return;
  contract(redisBackend(redisUrl));

  test("fails closed during an outage and recovers by itself, subscriptions included", async () => {
    const keyPrefix = `aig-test-${randomUUID()}:`;
    const proxy = new OutageProxy(redisUrl);
    await proxy.start();
    const store = await openKvStore({ redisUrl: `redis://127.0.0.1:${proxy.port}`, keyPrefix });
    const direct = await openKvStore({ redisUrl, keyPrefix });
    try {
      const received: string[] = [];
      const unsubscribe = await store.subscribe("revocations", (message) => received.push(message));
      assert.equal((await reserve(store, "budget", 10, 100, 60_000)).total, 10);

      await proxy.stop();
      await eventually(async () => !(await store.ping()));
      const started = Date.now();
      await assert.rejects(reserve(store, "budget", 10, 100, 60_000), KvUnavailableError);
      assert.ok(Date.now() - started < 1_500);

      await proxy.start();
      await eventually(() => store.ping(), 10_000);
      assert.equal((await reserve(store, "budget", 10, 100, 60_000)).total, 20);
      // ioredis resubscribes on reconnect; poll because the subscriber may come back a bit later.
      await eventually(async () => {
        await direct.publish("revocations", "key_1");
        return received.length > 0;
      }, 10_000);
      assert.equal(received[0], "key_1");
      await unsubscribe();
    } finally {
      await store.close();
      if (direct instanceof RedisKvStore) await direct.deleteAll();
      await direct.close();
      await proxy.stop();
    }
  });
});
