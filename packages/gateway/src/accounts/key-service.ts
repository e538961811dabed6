import type { ApiKeyRecord, KeyRole, Storage } from "../storage/storage.ts";
import { displayPrefix, generateApiKey, generateId, hashApiKey } from "./api-key-format.ts";

export interface Principal {
  keyId: string;
  accountId: string;
  role: KeyRole;
}

export interface MintedKey {
  record: ApiKeyRecord;
  plaintext: string;
}

export interface KeyService {
  /** Resolves a presented key from memory (storage only on a cache miss); undefined when not valid. */
  authenticate(plaintext: string): Promise<Principal | undefined>;
  mintKey(accountId: string, name: string, role: KeyRole, replacesKeyId?: string): Promise<MintedKey>;
  /** Registers a plaintext key chosen by the operator (AIG_ADMIN_KEY) if it is not known yet. */
  ensureKey(accountId: string, plaintext: string, name: string, role: KeyRole): Promise<ApiKeyRecord>;
  listKeys(accountId: string): Promise<ApiKeyRecord[]>;
  findKey(accountId: string, id: string): Promise<ApiKeyRecord | undefined>;
  revokeKey(accountId: string, id: string): Promise<boolean>;
  /**
   * Mints a successor for a key. The old key keeps working until the new one is first used, so a
   * deploy can roll over without downtime; a `key.rotated` event is recorded.
   */
  rotateKey(accountId: string, id: string): Promise<MintedKey | undefined>;
  /** Writes the batched last-used times. */
  flushKeyUse(): Promise<void>;
  /** Drops a key from this process's cache (a revocation announced by another replica). */
  forgetKeyHash(keyHash: string): void;
}

interface CachedKey {
  record: ApiKeyRecord;
  cachedAt: number;
}

export interface KeyServiceOptions {
  storage: Storage;
  /** How long a cached key is trusted before storage is asked again (bounds cross-replica revocation lag). */
  cacheTtlMs?: number;
  maxCachedKeys?: number;
  now?: () => number;
  /** Tells other replicas a key was revoked so they evict it before their cache TTL runs out. */
  announceRevocation?: (keyHash: string) => Promise<void>;
}

export function createKeyService(options: KeyServiceOptions): KeyService {
  const { storage } = options;
  const cacheTtlMs = options.cacheTtlMs ?? 30_000;
  const maxCachedKeys = options.maxCachedKeys ?? 50_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, CachedKey>();
  const uses = new Map<string, number>();

  function remember(record: ApiKeyRecord): void {
    if (cache.size >= maxCachedKeys) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
    cache.set(record.keyHash, { record, cachedAt: now() });
  }

  function forget(record: ApiKeyRecord | undefined): void {
    if (record) cache.delete(record.keyHash);
  }

  async function revoke(accountId: string, id: string): Promise<boolean> {
    const record = await storage.keys.findKey(accountId, id);
    const revoked = await storage.keys.revokeKey(accountId, id, now());
    forget(record);
    if (record && options.announceRevocation) await options.announceRevocation(record.keyHash);
    return revoked;
  }

  async function retireReplacedKey(record: ApiKeyRecord): Promise<void> {
    if (!record.replacesKeyId) return;
    await revoke(record.accountId, record.replacesKeyId);
    // Only the first use of the new key retires the old one.
    record.replacesKeyId = null;
  }

  async function mintKey(accountId: string, name: string, role: KeyRole, replacesKeyId?: string) {
    const plaintext = generateApiKey();
    const record: ApiKeyRecord = {
      id: generateId("key_"),
      accountId,
      name,
      prefix: displayPrefix(plaintext),
      keyHash: hashApiKey(plaintext),
      role,
      createdAt: now(),
      lastUsedAt: null,
      revokedAt: null,
      replacesKeyId: replacesKeyId ?? null,
    };
    await storage.keys.insertKey(record);
    return { record, plaintext };
  }

  return {
    async authenticate(plaintext) {
      const keyHash = hashApiKey(plaintext);
      let cached = cache.get(keyHash);
      if (!cached || now() - cached.cachedAt > cacheTtlMs) {
        const record = await storage.keys.findKeyByHash(keyHash);
        if (!record) {
          cache.delete(keyHash);
          return undefined;
        }
        remember(record);
        cached = cache.get(keyHash);
      }
      const record = cached?.record;
      if (!record || record.revokedAt !== null) return undefined;
      uses.set(record.id, now());
      if (record.replacesKeyId) await retireReplacedKey(record);
      return { keyId: record.id, accountId: record.accountId, role: record.role };
    },
    mintKey,
    async ensureKey(accountId, plaintext, name, role) {
      const keyHash = hashApiKey(plaintext);
      const existing = await storage.keys.findKeyByHash(keyHash);
      if (existing) return existing;
      const record: ApiKeyRecord = {
        id: generateId("key_"),
        accountId,
        name,
        prefix: displayPrefix(plaintext),
        keyHash,
        role,
        createdAt: now(),
        lastUsedAt: null,
        revokedAt: null,
        replacesKeyId: null,
      };
      await storage.keys.insertKey(record);
      return record;
    },
    listKeys: (accountId) => storage.keys.listKeys(accountId),
    findKey: (accountId, id) => storage.keys.findKey(accountId, id),
    revokeKey: revoke,
    async rotateKey(accountId, id) {
      const old = await storage.keys.findKey(accountId, id);
      if (!old || old.revokedAt !== null) return undefined;
      const minted = await mintKey(accountId, old.name, old.role, old.id);
      await storage.events.insertEvent({
        id: generateId("evt_"),
        accountId,
        type: "key.rotated",
        data: { old_key_id: old.id, new_key_id: minted.record.id, prefix: minted.record.prefix },
        createdAt: now(),
      });
      return minted;
    },
    forgetKeyHash(keyHash) {
      cache.delete(keyHash);
    },
    async flushKeyUse() {
      if (uses.size === 0) return;
      const batch = [...uses].map(([id, lastUsedAt]) => ({ id, lastUsedAt }));
      uses.clear();
      await storage.keys.recordKeyUse(batch);
    },
  };
}
