// Accounts as the request path needs them: the account, its parent, its limits and budgets, from
// memory. Storage is read only on a miss; a change made through any replica is announced so every
// replica drops its copy at once instead of waiting out the TTL.
import type { AccountRecord, Storage } from "../storage/storage.ts";
import type { TierLimits } from "./tier-limits.ts";

export interface AccountProfile {
  account: AccountRecord;
  /** The parent of a sub-account, else null. */
  parent: AccountRecord | null;
  /** Who pays: the parent of a sub-account, else the account. */
  billing: AccountRecord;
  requestsPerMinute: number;
  requestsPerDay: number | null;
  /** Hard monthly budgets of the billing account, by tag, in nanodollars. */
  budgets: ReadonlyMap<string, number>;
}

export interface AccountDirectory {
  /** Undefined when the account (or its parent) does not exist or was deleted. */
  findProfile(accountId: string): Promise<AccountProfile | undefined>;
  /** Drops the account and its sub-accounts from every replica's cache. */
  announceChange(accountId: string): Promise<void>;
  /** Local eviction, for changes announced by another replica. */
  forget(accountId: string): void;
}

export interface AccountDirectoryOptions {
  storage: Storage;
  tierLimits: TierLimits;
  cacheTtlMs?: number;
  maxCachedAccounts?: number;
  now?: () => number;
  /** Publishes the change to the other replicas (kv pub/sub). */
  publishChange?: (accountId: string) => Promise<void>;
}

interface CachedProfile {
  profile: AccountProfile | undefined;
  cachedAt: number;
}

function strictest(...limits: (number | null)[]): number {
  return Math.min(...limits.map((limit) => limit ?? Number.POSITIVE_INFINITY));
}

export function createAccountDirectory(options: AccountDirectoryOptions): AccountDirectory {
  const { storage, tierLimits } = options;
  const cacheTtlMs = options.cacheTtlMs ?? 30_000;
  const maxCachedAccounts = options.maxCachedAccounts ?? 50_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, CachedProfile>();

  async function load(accountId: string): Promise<AccountProfile | undefined> {
    const account = await storage.accounts.findAccount(accountId);
    if (!account || account.deletedAt !== null) return undefined;
    const parent = account.parentId ? await storage.accounts.findAccount(account.parentId) : undefined;
    if (account.parentId && (!parent || parent.deletedAt !== null)) return undefined;
    const billing = parent ?? account;
    const tier = tierLimits[billing.tier];
    const budgets = await storage.budgets.listBudgets(billing.id);
    return {
      account,
      parent: parent ?? null,
      billing,
      // A sub-account inherits its parent's tier ceiling and may only be stricter.
      requestsPerMinute: strictest(
        tier.requestsPerMinute,
        billing.rateLimitRpm,
        parent ? account.rateLimitRpm : null,
      ),
      requestsPerDay: tier.requestsPerDay,
      budgets: new Map(budgets.map((budget) => [budget.tag, budget.monthlyCapNanodollars])),
    };
  }

  function forget(accountId: string): void {
    cache.delete(accountId);
    for (const [id, entry] of cache) {
      if (entry.profile?.parent?.id === accountId) cache.delete(id);
    }
  }

  return {
    async findProfile(accountId) {
      const cached = cache.get(accountId);
      if (cached && now() - cached.cachedAt < cacheTtlMs) return cached.profile;
      const profile = await load(accountId);
      if (cache.size >= maxCachedAccounts) {
        const oldest = cache.keys().next().value;
        if (oldest !== undefined) cache.delete(oldest);
      }
      cache.set(accountId, { profile, cachedAt: now() });
      return profile;
    },
    async announceChange(accountId) {
      forget(accountId);
      await options.publishChange?.(accountId);
    },
    forget,
  };
}
