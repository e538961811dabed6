// The JSON shapes of accounts and sub-accounts: money in cents, times in unix seconds.
import type { AccountRecord } from "../../storage/storage.ts";
import { toCents } from "../../usage/format-money.ts";

const toSeconds = (milliseconds: number): number => Math.floor(milliseconds / 1000);
const toOptionalCents = (nanodollars: number | null): number | null =>
  nanodollars === null ? null : toCents(nanodollars);

export function toSubAccountObject(record: AccountRecord) {
  return {
    id: record.id,
    object: "sub_account" as const,
    name: record.name,
    external_ref: record.externalRef,
    spend_cap_cents: toOptionalCents(record.spendCapNanodollars),
    rate_limit_rpm: record.rateLimitRpm,
    default_tag: record.defaultTag,
    allowed_models: record.allowedModels,
    created_at: toSeconds(record.createdAt),
  };
}

export function toAccountObject(record: AccountRecord) {
  return {
    id: record.id,
    object: "account" as const,
    name: record.name,
    tier: record.tier,
    spend_cap_cents: toOptionalCents(record.spendCapNanodollars),
    credit_cents: toOptionalCents(record.creditNanodollars),
    rate_limit_rpm: record.rateLimitRpm,
    allowed_models: record.allowedModels,
    external_ref: record.externalRef,
    created_at: toSeconds(record.createdAt),
    updated_at: toSeconds(record.updatedAt),
  };
}
