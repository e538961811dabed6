import { accountTiers, type AccountTier } from "../storage/storage.ts";

export interface TierLimit {
  requestsPerMinute: number;
  /** A rolling-24-hour request ceiling on top of RPM (the free tier's), or null. */
  requestsPerDay: number | null;
}

export type TierLimits = Record<AccountTier, TierLimit>;

export const defaultTierLimits: TierLimits = {
  free: { requestsPerMinute: 10, requestsPerDay: 60 },
  starter: { requestsPerMinute: 120, requestsPerDay: null },
  pro: { requestsPerMinute: 600, requestsPerDay: null },
  business: { requestsPerMinute: 3_000, requestsPerDay: null },
  agent: { requestsPerMinute: 6_000, requestsPerDay: null },
  enterprise: { requestsPerMinute: 30_000, requestsPerDay: null },
};

export function isAccountTier(value: unknown): value is AccountTier {
  return typeof value === "string" && (accountTiers as readonly string[]).includes(value);
}

/**
 * Reads `AIG_TIER_RPM` ("free=10,pro=1200") and `AIG_TIER_RPD` ("free=60,starter=5000", 0 for none)
 * over the defaults; throws with the offending entry named.
 */
export function readTierLimits(rpm: string | undefined, rpd: string | undefined): TierLimits {
  const limits: TierLimits = structuredClone(defaultTierLimits);
  const apply = (
    source: string | undefined,
    variable: string,
    set: (limit: TierLimit, n: number) => void,
  ) => {
    for (const entry of (source ?? "")
      .split(",")
      .map((part) => part.trim())
      .filter(Boolean)) {
      const match = /^([a-z]+)\s*=\s*(\d+)$/.exec(entry);
      const tier = match?.[1];
      if (!match || !isAccountTier(tier)) {
        throw new Error(
          `${variable}: "${entry}" is not tier=number with a tier among ${accountTiers.join(", ")}`,
        );
      }
      set(limits[tier], Number(match[2]));
    }
  };
  apply(rpm, "AIG_TIER_RPM", (limit, value) => {
    limit.requestsPerMinute = value;
  });
  apply(rpd, "AIG_TIER_RPD", (limit, value) => {
    limit.requestsPerDay = value === 0 ? null : value;
  });
  return limits;
}
