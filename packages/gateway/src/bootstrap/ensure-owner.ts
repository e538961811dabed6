import type { KeyService } from "../accounts/key-service.ts";
import type { Storage } from "../storage/storage.ts";

export const defaultAccountId = "acct_default";

export interface OwnerBootstrap {
  /** The plaintext owner key, present only when it was generated right now (shown once). */
  generatedKey: string | undefined;
}

/**
 * First start: creates the default account and an owner key. With AIG_ADMIN_KEY the operator's key
 * is registered as the owner key instead, so scripts and containers can fix it in advance.
 */
export async function ensureOwner(
  storage: Storage,
  keys: KeyService,
  adminKey: string | undefined,
): Promise<OwnerBootstrap> {
  const isFirstStart = (await storage.accounts.countAccounts()) === 0;
  if (isFirstStart) {
    try {
      // The operator's own account: the highest tier (its RPM is set by AIG_TIER_RPM like any other).
      await storage.accounts.insertAccount({
        id: defaultAccountId,
        name: "default",
        createdAt: Date.now(),
        tier: "enterprise",
      });
    } catch (error) {
      // Another replica sharing the database won the race to create it; that is the same outcome.
      if (!(await storage.accounts.findAccount(defaultAccountId))) throw error;
      return adminKey ? ensureAdminKey(keys, adminKey) : { generatedKey: undefined };
    }
  }
  if (adminKey) return ensureAdminKey(keys, adminKey);
  if (!isFirstStart) return { generatedKey: undefined };
  const minted = await keys.mintKey(defaultAccountId, "owner", "owner");
  return { generatedKey: minted.plaintext };
}

async function ensureAdminKey(keys: KeyService, adminKey: string): Promise<OwnerBootstrap> {
  try {
    await keys.ensureKey(defaultAccountId, adminKey, "admin (AIG_ADMIN_KEY)", "owner");
  } catch (error) {
    // Two replicas registering the same key at once: the unique hash lets exactly one insert win.
    if (!(await keys.authenticate(adminKey))) throw error;
  }
  return { generatedKey: undefined };
}
