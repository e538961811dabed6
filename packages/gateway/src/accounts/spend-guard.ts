// Caps that hold under concurrency and across replicas: before a request is sent upstream, its
// worst-case cost is reserved atomically on every counter that caps it (sub-account, billing account,
// tag budget, prepaid credit); when its usage is known the reservation is replaced by the true cost.
// A cap can therefore be exceeded only by what admitted requests cost beyond their reservation.
import { randomUUID } from "node:crypto";
import { GatewayError } from "@aigateway/protocol";
import { KvUnavailableError, type CounterLimit, type KvStore } from "../kv/kv-store.ts";
import type { Storage, UsageRollupQuery } from "../storage/storage.ts";
import { toUsagePeriods } from "../storage/fold-usage-rollups.ts";
import { formatDollars, toCents } from "../usage/format-money.ts";
import type { AccountProfile } from "./account-directory.ts";

export type CapScope = "sub_account" | "account" | "budget" | "credit";

interface CappedCounter {
  scope: CapScope;
  limit: CounterLimit;
  /** The usage the counter stands for, to seed it from the rollups. */
  seedQuery: UsageRollupQuery;
  tag: string | null;
}

/** Nanodollars, or how to compute them when a cap needs them. */
export type WorstCaseCost = number | (() => number);

export interface Admission {
  readonly reservedNanodollars: number;
  /** Replaces the reservation by the true cost (0 for a failed request). Safe to call twice. */
  settle(actualNanodollars: number): void;
}

export interface SpendGuard {
  /**
   * Throws 403 when the model is not allowed, 402 when a cap has no room for the worst-case cost,
   * 503 when the counters cannot be reached; otherwise holds the reservation.
   */
  admit(
    profile: AccountProfile,
    tag: string | null,
    model: string,
    worstCase: WorstCaseCost,
  ): Promise<Admission>;
}

export interface SpendEvent {
  accountId: string;
  type: "usage.threshold" | "sub_account.budget.exhausted";
  data: Record<string, unknown>;
}

export interface SpendGuardOptions {
  kv: KvStore;
  storage: Storage;
  /** Writes pending usage rows, so a counter seeded from the rollups misses none of this process's. */
  flushUsage: () => Promise<void>;
  recordEvent: (event: SpendEvent) => Promise<void>;
  onError?: (error: unknown) => void;
  now?: () => number;
}

const thresholds = [50, 80, 100] as const;
const noAdmission: Admission = { reservedNanodollars: 0, settle: () => undefined };
// Long enough to outlive any month boundary plus a late settle; counters of a past month then expire.
const monthCounterTtlMs = 40 * 86_400_000;
const creditCounterTtlMs = 400 * 86_400_000;

function describeCap(counter: CappedCounter, total: number): string {
  const cap = formatDollars(counter.limit.cap);
  const spent = formatDollars(total);
  switch (counter.scope) {
    case "sub_account":
      return `Sub-account monthly spend cap of ${cap} reached (spent ${spent})`;
    case "account":
      return `Monthly spend cap of ${cap} reached (spent ${spent})`;
    case "budget":
      return `Monthly budget of ${cap} for tag "${counter.tag ?? ""}" reached (spent ${spent})`;
    case "credit":
      return `Prepaid credit of ${cap} used up (spent ${spent}); top up to continue`;
  }
}

export function createSpendGuard(options: SpendGuardOptions): SpendGuard {
  const { kv, storage } = options;
  const now = options.now ?? Date.now;
  const onError = options.onError ?? ((error: unknown) => console.error("spend settlement failed:", error));
  /** Counters this process has seeded (or seen seeded), by key → expiry; bounded by the counters' TTL. */
  const seeded = new Map<string, number>();
  const emitted = new Set<string>();

  function cappedCounters(profile: AccountProfile, tag: string | null): CappedCounter[] {
    const month = toUsagePeriods(now()).month;
    const counters: CappedCounter[] = [];
    const { account, parent, billing } = profile;
    if (parent && account.spendCapNanodollars !== null) {
      counters.push({
        scope: "sub_account",
        limit: {
          key: `spend:${account.id}:${month}`,
          cap: account.spendCapNanodollars,
          ttlMs: monthCounterTtlMs,
        },
        seedQuery: { granularity: "month", accountId: account.id, fromPeriod: month, toPeriod: month },
        tag: null,
      });
    }
    if (billing.spendCapNanodollars !== null) {
      counters.push({
        scope: "account",
        limit: {
          key: `spend:${billing.id}:${month}`,
          cap: billing.spendCapNanodollars,
          ttlMs: monthCounterTtlMs,
        },
        seedQuery: { granularity: "month", billingAccountId: billing.id, fromPeriod: month, toPeriod: month },
        tag: null,
      });
    }
    const budget = tag === null ? undefined : profile.budgets.get(tag);
    if (tag !== null && budget !== undefined) {
      counters.push({
        scope: "budget",
        limit: { key: `budget:${billing.id}:${month}:${tag}`, cap: budget, ttlMs: monthCounterTtlMs },
        seedQuery: { granularity: "month", billingAccountId: billing.id, fromPeriod: month, toPeriod: month },
        tag,
      });
    }
    if (billing.creditNanodollars !== null) {
      counters.push({
        scope: "credit",
        limit: { key: `credit:${billing.id}`, cap: billing.creditNanodollars, ttlMs: creditCounterTtlMs },
        seedQuery: { granularity: "month", billingAccountId: billing.id },
        tag: null,
      });
    }
    return counters;
  }

  /**
   * Makes sure every counter exists, seeded from the rollups. A counter this process saw in the last
   * minute is trusted; an older one is re-checked with one KV read, and only a missing counter (lost
   * with a Redis restart, or never created) costs a usage flush and a rollup query.
   */
  async function seed(counters: readonly CappedCounter[]): Promise<void> {
    const stale = counters.filter((counter) => (seeded.get(counter.limit.key) ?? 0) <= now());
    if (stale.length === 0) return;
    const missing: CappedCounter[] = [];
    for (const counter of stale) {
      if ((await kv.readCounter(counter.limit.key)) > 0) remember(counter);
      else missing.push(counter);
    }
    if (missing.length === 0) return;
    await options.flushUsage();
    for (const counter of missing) {
      const rollups = await storage.usage.listUsageRollups(counter.seedQuery);
      const spent = rollups
        .filter((rollup) => counter.tag === null || rollup.tag === counter.tag)
        .reduce((total, rollup) => total + rollup.costNanodollars, 0);
      await kv.seedCounter(counter.limit.key, spent, counter.limit.ttlMs);
      remember(counter);
    }
  }

  function remember(counter: CappedCounter): void {
    seeded.set(counter.limit.key, now() + 60_000);
    if (seeded.size > 100_000) seeded.delete(seeded.keys().next().value as string);
  }

  async function recordCrossings(
    profile: AccountProfile,
    counters: readonly CappedCounter[],
    totals: readonly number[],
  ): Promise<void> {
    for (const [index, counter] of counters.entries()) {
      const total = totals[index] ?? 0;
      const cap = counter.limit.cap;
      for (const percent of thresholds) {
        if (cap <= 0 || total * 100 < cap * percent) continue;
        const marker = `threshold:${counter.limit.key}:${percent}`;
        if (emitted.has(marker)) continue;
        // One replica wins the marker, so each crossing is reported once.
        if (!(await kv.seedCounter(marker, 1, counter.limit.ttlMs))) {
          emitted.add(marker);
          continue;
        }
        emitted.add(marker);
        await options.recordEvent({
          accountId: profile.billing.id,
          type: "usage.threshold",
          data: thresholdData(profile, counter, total, percent),
        });
      }
    }
    if (emitted.size > 100_000) emitted.clear();
  }

  function thresholdData(profile: AccountProfile, counter: CappedCounter, total: number, percent: number) {
    return {
      scope: counter.scope,
      account_id: profile.billing.id,
      sub_account_id: profile.parent ? profile.account.id : null,
      tag: counter.tag,
      threshold_percent: percent,
      spent_cents: toCents(total),
      cap_cents: toCents(counter.limit.cap),
      period: counter.scope === "credit" ? "lifetime" : toUsagePeriods(now()).month,
    };
  }

  async function reportExhausted(
    profile: AccountProfile,
    counter: CappedCounter,
    total: number,
  ): Promise<void> {
    if (counter.scope !== "sub_account") return;
    const marker = `exhausted:${counter.limit.key}`;
    if (emitted.has(marker)) return;
    emitted.add(marker);
    if (!(await kv.seedCounter(marker, 1, counter.limit.ttlMs))) return;
    await options.recordEvent({
      accountId: profile.billing.id,
      type: "sub_account.budget.exhausted",
      data: { ...thresholdData(profile, counter, total, 100), external_ref: profile.account.externalRef },
    });
  }

  async function admit(
    profile: AccountProfile,
    tag: string | null,
    model: string,
    worstCase: WorstCaseCost,
  ): Promise<Admission> {
    for (const allowed of [profile.account.allowedModels, profile.parent?.allowedModels ?? null]) {
      if (allowed !== null && !allowed.includes(model)) {
        throw new GatewayError("permission_denied", {
          message: `Model '${model}' is not allowed for this key (allowed: ${allowed.join(", ") || "none"}).`,
          param: "model",
        });
      }
    }
    const counters = cappedCounters(profile, tag);
    if (counters.length === 0) return noAdmission;
    // A function is only called here: most requests are uncapped and never pay for the estimate.
    const amount = Math.max(0, Math.ceil(typeof worstCase === "function" ? worstCase() : worstCase));
    let result;
    try {
      await seed(counters);
      result = await kv.reserveAll(
        counters.map((counter) => counter.limit),
        amount,
      );
    } catch (error) {
      if (error instanceof KvUnavailableError) {
        throw new GatewayError("service_unavailable", {
          message:
            "Spend caps cannot be checked right now (shared counter store unreachable); retry shortly.",
          headers: { "retry-after": "1" },
        });
      }
      throw error;
    }
    if (!result.admitted) {
      const counter = counters[result.refusedIndex] as CappedCounter;
      const total = result.totals[result.refusedIndex] ?? 0;
      void reportExhausted(profile, counter, total).catch(onError);
      throw new GatewayError("budget_exceeded", {
        message:
          `${describeCap(counter, total)}. This request was not sent: it could cost up to ` +
          `${formatDollars(amount)}${amount > 0 ? " (lower max_tokens to reserve less)" : ""}.`,
      });
    }
    let settled = false;
    const keys = counters.map((counter) => counter.limit.key);
    return {
      reservedNanodollars: amount,
      settle(actualNanodollars) {
        if (settled) return;
        settled = true;
        const delta = Math.round(actualNanodollars) - amount;
        void kv
          .adjustAll(keys, delta)
          .then((totals) => recordCrossings(profile, counters, totals))
          .catch(onError);
      },
    };
  }

  return { admit };
}

export function newEventId(): string {
  return `evt_${randomUUID().replaceAll("-", "")}`;
}
