// Accounts, sub-accounts and budgets: the operator and API side of the money layer. Every change is
// announced so the replicas' profile caches (and the counters a changed cap governs) start afresh.
import { GatewayError } from "@aigateway/protocol";
import type { KvStore } from "../kv/kv-store.ts";
import type {
  AccountChanges,
  AccountRecord,
  AccountTier,
  BudgetRecord,
  Storage,
  UsageRollup,
} from "../storage/storage.ts";
import { toUsagePeriods } from "../storage/fold-usage-rollups.ts";
import type { AccountDirectory, AccountProfile } from "./account-directory.ts";
import { generateId } from "./api-key-format.ts";
import type { KeyService, MintedKey } from "./key-service.ts";
import type { TierLimits } from "./tier-limits.ts";

export interface NewAccountFields {
  name: string;
  tier?: AccountTier;
  spendCapNanodollars?: number | null;
  creditNanodollars?: number | null;
  rateLimitRpm?: number | null;
  allowedModels?: string[] | null;
  externalRef?: string | null;
  defaultTag?: string | null;
}

export interface Balance {
  account: AccountRecord;
  monthToDateNanodollars: number;
  lifetimeSpendNanodollars: number;
  /** Granted credit minus lifetime spend; null for a postpaid account. */
  balanceNanodollars: number | null;
}

export interface AccountService {
  createAccount(fields: NewAccountFields): Promise<AccountRecord>;
  listAccounts(): Promise<AccountRecord[]>;
  findAccount(id: string): Promise<AccountRecord | undefined>;
  updateAccount(
    id: string,
    changes: AccountChanges,
    addCreditNanodollars?: number,
  ): Promise<AccountRecord | undefined>;
  mintAccountKey(accountId: string, name: string): Promise<MintedKey>;

  createSubAccount(
    parent: AccountProfile,
    fields: NewAccountFields,
  ): Promise<{ record: AccountRecord; key: MintedKey }>;
  listSubAccounts(parentId: string): Promise<AccountRecord[]>;
  findSubAccount(parentId: string, id: string): Promise<AccountRecord | undefined>;
  updateSubAccount(
    parent: AccountProfile,
    id: string,
    changes: AccountChanges,
  ): Promise<AccountRecord | undefined>;
  deleteSubAccount(parentId: string, id: string): Promise<boolean>;

  upsertBudget(accountId: string, tag: string, monthlyCapNanodollars: number): Promise<BudgetRecord>;
  listBudgets(accountId: string): Promise<BudgetRecord[]>;
  deleteBudget(accountId: string, tag: string): Promise<boolean>;

  readBalance(profile: AccountProfile): Promise<Balance>;
  /** Rollups of one granularity for a billing account (optionally one sub-account), between periods. */
  listRollups(
    scope: { billingAccountId?: string; accountId?: string },
    granularity: "day" | "month",
    from?: string,
    to?: string,
  ): Promise<UsageRollup[]>;
}

export interface AccountServiceOptions {
  storage: Storage;
  kv: KvStore;
  keys: KeyService;
  directory: AccountDirectory;
  tierLimits: TierLimits;
  defaultTier: AccountTier;
  /** Writes pending usage rows first, so reports include the latest requests. */
  flushUsage: () => Promise<void>;
  now?: () => number;
}

export function createAccountService(options: AccountServiceOptions): AccountService {
  const { storage, kv, keys, directory, tierLimits } = options;
  const now = options.now ?? Date.now;

  /** A changed cap must be counted afresh from the rollups, not from a counter kept under the old one. */
  async function resetMonthCounters(accountId: string, changes: AccountChanges): Promise<void> {
    if (changes.spendCapNanodollars === undefined) return;
    await kv.deleteCounter(`spend:${accountId}:${toUsagePeriods(now()).month}`);
  }

  function checkSubAccountLimit(parent: AccountProfile, rpm: number | null | undefined): void {
    const ceiling = tierLimits[parent.billing.tier].requestsPerMinute;
    if (rpm !== undefined && rpm !== null && rpm > ceiling) {
      throw new GatewayError("invalid_request", {
        param: "rate_limit_rpm",
        message: `rate_limit_rpm ${rpm} exceeds the ${parent.billing.tier} tier ceiling of ${ceiling} requests per minute.`,
      });
    }
  }

  async function lifetimeSpend(billingAccountId: string): Promise<number> {
    const rollups = await storage.usage.listUsageRollups({ granularity: "month", billingAccountId });
    return rollups.reduce((total, rollup) => total + rollup.costNanodollars, 0);
  }

  async function findChild(parentId: string, id: string): Promise<AccountRecord | undefined> {
    const record = await storage.accounts.findAccount(id);
    return record && record.parentId === parentId && record.deletedAt === null ? record : undefined;
  }

  return {
    async createAccount(fields) {
      const createdAt = now();
      const id = generateId("acct");
      await storage.accounts.insertAccount({
        id,
        name: fields.name,
        createdAt,
        parentId: null,
        tier: fields.tier ?? options.defaultTier,
        spendCapNanodollars: fields.spendCapNanodollars ?? null,
        creditNanodollars: fields.creditNanodollars ?? null,
        rateLimitRpm: fields.rateLimitRpm ?? null,
        allowedModels: fields.allowedModels ?? null,
        externalRef: fields.externalRef ?? null,
        defaultTag: fields.defaultTag ?? null,
        updatedAt: createdAt,
      });
      return (await storage.accounts.findAccount(id)) as AccountRecord;
    },
    listAccounts: () => storage.accounts.listAccounts(null),
    findAccount: (id) => storage.accounts.findAccount(id),
    async updateAccount(id, changes, addCreditNanodollars) {
      const existing = await storage.accounts.findAccount(id);
      if (!existing || existing.deletedAt !== null || existing.parentId !== null) return undefined;
      let record: AccountRecord | undefined = existing;
      if (Object.keys(changes).length > 0) record = await storage.accounts.updateAccount(id, changes, now());
      if (addCreditNanodollars !== undefined && addCreditNanodollars !== 0) {
        record = await storage.accounts.addCredit(id, addCreditNanodollars, now());
      }
      await resetMonthCounters(id, changes);
      await directory.announceChange(id);
      return record;
    },
    async mintAccountKey(accountId, name) {
      return keys.mintKey(accountId, name, "owner");
    },

    async createSubAccount(parent, fields) {
      checkSubAccountLimit(parent, fields.rateLimitRpm);
      const createdAt = now();
      const id = generateId("sa");
      await storage.accounts.insertAccount({
        id,
        name: fields.name,
        createdAt,
        parentId: parent.billing.id,
        tier: parent.billing.tier,
        spendCapNanodollars: fields.spendCapNanodollars ?? null,
        rateLimitRpm: fields.rateLimitRpm ?? null,
        allowedModels: fields.allowedModels ?? null,
        externalRef: fields.externalRef ?? null,
        defaultTag: fields.defaultTag ?? null,
        updatedAt: createdAt,
      });
      const key = await keys.mintKey(id, `${fields.name} (sub-account)`, "owner");
      return { record: (await storage.accounts.findAccount(id)) as AccountRecord, key };
    },
    listSubAccounts: (parentId) => storage.accounts.listAccounts(parentId),
    findSubAccount: findChild,
    async updateSubAccount(parent, id, changes) {
      if (!(await findChild(parent.billing.id, id))) return undefined;
      checkSubAccountLimit(parent, changes.rateLimitRpm);
      const record = await storage.accounts.updateAccount(id, changes, now());
      await resetMonthCounters(id, changes);
      await directory.announceChange(id);
      return record;
    },
    async deleteSubAccount(parentId, id) {
      if (!(await findChild(parentId, id))) return false;
      await storage.accounts.updateAccount(id, { deletedAt: now() }, now());
      for (const key of await keys.listKeys(id)) {
        if (key.revokedAt === null) await keys.revokeKey(id, key.id);
      }
      await directory.announceChange(id);
      return true;
    },

    async upsertBudget(accountId, tag, monthlyCapNanodollars) {
      const at = now();
      const existing = await storage.budgets.findBudget(accountId, tag);
      const budget = await storage.budgets.upsertBudget({
        accountId,
        tag,
        monthlyCapNanodollars,
        createdAt: existing?.createdAt ?? at,
        updatedAt: at,
      });
      await kv.deleteCounter(`budget:${accountId}:${toUsagePeriods(at).month}:${tag}`);
      await directory.announceChange(accountId);
      return budget;
    },
    listBudgets: (accountId) => storage.budgets.listBudgets(accountId),
    async deleteBudget(accountId, tag) {
      const deleted = await storage.budgets.deleteBudget(accountId, tag);
      if (deleted) await directory.announceChange(accountId);
      return deleted;
    },

    async readBalance(profile) {
      await options.flushUsage();
      const month = toUsagePeriods(now()).month;
      const scope = profile.parent
        ? { accountId: profile.account.id }
        : { billingAccountId: profile.billing.id };
      const monthRollups = await storage.usage.listUsageRollups({
        granularity: "month",
        ...scope,
        fromPeriod: month,
        toPeriod: month,
      });
      const monthToDate = monthRollups.reduce((total, rollup) => total + rollup.costNanodollars, 0);
      const lifetime = await lifetimeSpend(profile.billing.id);
      const credit = profile.billing.creditNanodollars;
      return {
        account: profile.account,
        monthToDateNanodollars: monthToDate,
        lifetimeSpendNanodollars: lifetime,
        balanceNanodollars: credit === null ? null : credit - lifetime,
      };
    },
    async listRollups(scope, granularity, from, to) {
      await options.flushUsage();
      return storage.usage.listUsageRollups({
        granularity,
        ...scope,
        ...(from === undefined ? {} : { fromPeriod: from }),
        ...(to === undefined ? {} : { toPeriod: to }),
      });
    },
  };
}
