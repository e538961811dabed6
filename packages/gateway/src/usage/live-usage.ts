// The live usage stream (`GET /v1/usage/stream`, what `aig tail` follows): each stored usage row is
// fanned out to the listeners of its account on every replica, over the KV store's pub/sub (Redis when
// scaled out). Publishing costs nothing for accounts nobody is watching: a replica with listeners
// marks the account live in the KV store, and writers publish only for accounts marked live.
import type { KvStore } from "../kv/kv-store.ts";
import type { UsageRecord } from "../storage/storage.ts";

export type UsageListener = (record: UsageRecord) => void;

export interface LiveUsage {
  /** Hands a stored batch to the listeners of its accounts, on every replica. */
  publish(batch: readonly UsageRecord[]): void;
  /**
   * Calls `listener` with each new row billed to `billingAccountId` (only `accountId`'s rows when
   * given: a sub-account sees its own). Resolves once listening; the function returned stops it.
   */
  listen(
    scope: { billingAccountId: string; accountId?: string },
    listener: UsageListener,
  ): Promise<() => void>;
  close(): Promise<void>;
}

const liveMarkTtlMs = 60_000;
const liveMarkRefreshMs = 20_000;
const liveCheckTtlMs = 5_000;

const channelOf = (billingAccountId: string): string => `usage-live:${billingAccountId}`;
/** A new listener says so at once, so writers need not wait out their cached "nobody listens". */
const announceChannel = "usage-live-announce";
const markOf = (billingAccountId: string): string => `usage-live-mark:${billingAccountId}`;

interface AccountListeners {
  listeners: Set<{ accountId: string | undefined; listener: UsageListener }>;
  stopSubscription: Promise<() => Promise<void>>;
}

export function createLiveUsage(
  kv: KvStore,
  onError: (error: unknown) => void,
  now: () => number = Date.now,
): LiveUsage {
  const local = new Map<string, AccountListeners>();
  /** Billing account → whether someone listens anywhere, and until when that answer is trusted. */
  const liveCache = new Map<string, { live: boolean; until: number }>();

  const stopAnnouncements = kv
    .subscribe(announceChannel, (billingAccountId) => {
      liveCache.set(billingAccountId, { live: true, until: now() + liveMarkTtlMs });
    })
    .catch((error: unknown) => {
      onError(error);
      return async () => undefined;
    });

  const refreshMarks = setInterval(() => {
    for (const billingAccountId of local.keys()) {
      kv.set(markOf(billingAccountId), "1", liveMarkTtlMs).catch(onError);
    }
  }, liveMarkRefreshMs);
  refreshMarks.unref();

  async function isLive(billingAccountId: string): Promise<boolean> {
    if (local.has(billingAccountId)) return true;
    const cached = liveCache.get(billingAccountId);
    if (cached && cached.until > now()) return cached.live;
    const live = (await kv.get(markOf(billingAccountId))) !== undefined;
    liveCache.set(billingAccountId, { live, until: now() + liveCheckTtlMs });
    if (liveCache.size > 100_000) liveCache.clear();
    return live;
  }

  function deliver(billingAccountId: string, message: string): void {
    const entry = local.get(billingAccountId);
    if (!entry) return;
    const records = JSON.parse(message) as UsageRecord[];
    for (const record of records) {
      for (const { accountId, listener } of entry.listeners) {
        if (accountId === undefined || record.accountId === accountId) listener(record);
      }
    }
  }

  return {
    publish(batch) {
      const byAccount = new Map<string, UsageRecord[]>();
      for (const record of batch) {
        const billing = record.billingAccountId ?? record.accountId;
        if (!billing) continue;
        byAccount.set(billing, [...(byAccount.get(billing) ?? []), record]);
      }
      for (const [billingAccountId, records] of byAccount) {
        isLive(billingAccountId)
          .then((live) =>
            live ? kv.publish(channelOf(billingAccountId), JSON.stringify(records)) : undefined,
          )
          .catch(onError);
      }
    },
    async listen(scope, listener) {
      let entry = local.get(scope.billingAccountId);
      if (!entry) {
        const created: AccountListeners = {
          listeners: new Set(),
          stopSubscription: kv.subscribe(channelOf(scope.billingAccountId), (message) =>
            deliver(scope.billingAccountId, message),
          ),
        };
        entry = created;
        local.set(scope.billingAccountId, created);
        created.stopSubscription.catch(() => local.delete(scope.billingAccountId));
      }
      const item = { accountId: scope.accountId, listener };
      entry.listeners.add(item);
      await entry.stopSubscription;
      await kv.set(markOf(scope.billingAccountId), "1", liveMarkTtlMs);
      await kv.publish(announceChannel, scope.billingAccountId);
      const current = entry;
      return () => {
        current.listeners.delete(item);
        if (current.listeners.size > 0 || local.get(scope.billingAccountId) !== current) return;
        local.delete(scope.billingAccountId);
        current.stopSubscription.then((stop) => stop()).catch(onError);
      };
    },
    async close() {
      clearInterval(refreshMarks);
      await (await stopAnnouncements)().catch(() => undefined);
      const entries = [...local.values()];
      local.clear();
      await Promise.all(
        entries.map((entry) => entry.stopSubscription.then((stop) => stop()).catch(() => undefined)),
      );
    },
  };
}
