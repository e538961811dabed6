import type { ChatCompletion, ChatCompletionRequest } from "@aigateway/protocol";
import type { KvStore } from "../kv/kv-store.ts";
import type { TokenUsage } from "../usage/token-usage.ts";
import { toCachePrefix } from "./chat-cache-key.ts";

export const cacheModes = ["auto", "force", "skip"] as const;
/** `x-cache`: auto caches deterministic requests only, force caches any, skip neither reads nor writes. */
export type CacheMode = (typeof cacheModes)[number];

/** What a hit answers with: the completion as first served, and what it cost then. */
export interface CachedCompletion {
  completion: ChatCompletion;
  model: string;
  provider: string;
  usage: TokenUsage;
  costNanodollars: number;
  storedAt: number;
}

export interface ResponseCacheSettings {
  /** 0 turns the cache off. */
  ttlMs: number;
  /** Entries larger than this (serialised) are not stored. */
  maxEntryBytes: number;
  /** What a hit is billed, in millionths of the original cost (0 = free). */
  hitPriceMillionths: number;
}

export interface ResponseCache {
  readonly enabled: boolean;
  readonly maxEntryBytes: number;
  /** Whether a request in this mode may be answered from, and stored in, the cache. */
  isEligible(request: ChatCompletionRequest, mode: CacheMode): boolean;
  /** Undefined on a miss, and when the store cannot answer (a cache never fails a request). */
  read(key: string): Promise<CachedCompletion | undefined>;
  /** Best effort, never throws. */
  write(key: string, entry: CachedCompletion): Promise<void>;
  /** Removes every entry of the billing account; returns how many. */
  flush(billingAccountId: string): Promise<number>;
  /** What a hit on an entry costs. */
  priceHit(entry: CachedCompletion): number;
}

function isCachedCompletion(value: unknown): value is CachedCompletion {
  if (!value || typeof value !== "object") return false;
  const entry = value as Partial<CachedCompletion>;
  return (
    typeof entry.model === "string" &&
    typeof entry.provider === "string" &&
    typeof entry.costNanodollars === "number" &&
    typeof entry.completion === "object" &&
    entry.completion !== null &&
    typeof entry.usage === "object"
  );
}

/** Exact-match response cache on the shared KvStore (memory, or Redis when REDIS_URL is set). */
export function createResponseCache(
  kv: KvStore,
  settings: ResponseCacheSettings,
  onError: (error: unknown) => void = () => undefined,
): ResponseCache {
  const enabled = settings.ttlMs > 0;
  return {
    enabled,
    maxEntryBytes: settings.maxEntryBytes,
    isEligible(request, mode) {
      if (!enabled || mode === "skip") return false;
      // n > 1 asks for varied answers; one stored answer would repeat itself.
      if (typeof request.n === "number" && request.n > 1) return false;
      if (mode === "force") return true;
      return request.temperature === 0 || typeof request.seed === "number";
    },
    async read(key) {
      if (!enabled) return undefined;
      try {
        const raw = await kv.get(key);
        if (raw === undefined) return undefined;
        const parsed: unknown = JSON.parse(raw);
        return isCachedCompletion(parsed) ? parsed : undefined;
      } catch (error) {
        onError(error);
        return undefined;
      }
    },
    async write(key, entry) {
      if (!enabled) return;
      try {
        const text = JSON.stringify(entry);
        if (Buffer.byteLength(text, "utf8") > settings.maxEntryBytes) return;
        await kv.set(key, text, settings.ttlMs);
      } catch (error) {
        onError(error);
      }
    },
    flush: (billingAccountId) => kv.deleteByPrefix(toCachePrefix(billingAccountId)),
    priceHit: (entry) => Math.round((entry.costNanodollars * settings.hitPriceMillionths) / 1_000_000),
  };
}

/** "0.1" → 100000 millionths, exactly (no float arithmetic on the fraction). */
export function parseFractionToMillionths(text: string): number | undefined {
  const match = /^(0|1)(?:\.(\d{1,6}))?$/.exec(text.trim());
  if (!match) return undefined;
  const value = Number(match[1]) * 1_000_000 + Number((match[2] ?? "").padEnd(6, "0"));
  return value <= 1_000_000 ? value : undefined;
}
