// The storage contracts, one per concern. Every backend (SQLite embedded, PostgreSQL scaled out)
// implements all of them and passes the same contract tests. Methods are async so a networked
// backend fits; none of them is awaited on the hot request path except key lookups on a cache miss.

export type KeyRole = "owner" | "member";

export interface AccountRecord {
  id: string;
  name: string;
  createdAt: number;
}

export interface ApiKeyRecord {
  id: string;
  accountId: string;
  name: string;
  /** The first characters of the plaintext key, safe to show. */
  prefix: string;
  /** SHA-256 hex of the plaintext key; the plaintext is never stored. */
  keyHash: string;
  role: KeyRole;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
  /** Set on a key minted by rotation: the key it replaces, revoked when this one is first used. */
  replacesKeyId: string | null;
}

export interface UsageRecord {
  requestId: string;
  accountId: string | null;
  keyId: string | null;
  tag: string | null;
  endpoint: string;
  model: string | null;
  provider: string | null;
  status: number;
  errorType: string | null;
  stream: boolean;
  latencyMs: number;
  timeToFirstTokenMs: number | null;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  costNanodollars: number;
  createdAt: number;
}

export interface EventRecord {
  id: string;
  accountId: string;
  type: string;
  data: unknown;
  createdAt: number;
}

export interface AccountStore {
  insertAccount(account: AccountRecord): Promise<void>;
  findAccount(id: string): Promise<AccountRecord | undefined>;
  countAccounts(): Promise<number>;
}

export interface KeyStore {
  insertKey(key: ApiKeyRecord): Promise<void>;
  findKeyByHash(keyHash: string): Promise<ApiKeyRecord | undefined>;
  findKey(accountId: string, id: string): Promise<ApiKeyRecord | undefined>;
  listKeys(accountId: string): Promise<ApiKeyRecord[]>;
  revokeKey(accountId: string, id: string, revokedAt: number): Promise<boolean>;
  recordKeyUse(uses: readonly { id: string; lastUsedAt: number }[]): Promise<void>;
}

export interface UsageStore {
  insertUsage(records: readonly UsageRecord[]): Promise<void>;
  listRecentUsage(accountId: string, limit: number): Promise<UsageRecord[]>;
}

export interface EventStore {
  insertEvent(event: EventRecord): Promise<void>;
  listEvents(accountId: string, limit: number): Promise<EventRecord[]>;
}

export interface Storage {
  readonly kind: "sqlite" | "postgres";
  accounts: AccountStore;
  keys: KeyStore;
  usage: UsageStore;
  events: EventStore;
  /** True when the backend answers a trivial query (the readiness probe). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
