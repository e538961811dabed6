import { z } from "zod";
import { accountTiers } from "../../storage/storage.ts";

const tag = z.string().regex(/^[\x20-\x7e]{1,64}$/, "1 to 64 printable ASCII characters");
// $9M: beyond it, nanodollars leave the range a double holds exactly.
const cents = z.int().nonnegative().max(900_000_000);
const modelList = z.array(z.string().min(1).max(200)).max(1_000);

/** Sub-account fields, as in the public contract (§4.1). */
const subAccountFields = {
  name: z.string().min(1).max(200),
  external_ref: z.string().max(200).nullable().optional(),
  spend_cap_cents: cents.nullable().optional(),
  rate_limit_rpm: z.int().positive().nullable().optional(),
  default_tag: tag.nullable().optional(),
  allowed_models: modelList.nullable().optional(),
};

export const createSubAccountSchema = z.strictObject(subAccountFields);
export const updateSubAccountSchema = z.strictObject({
  ...subAccountFields,
  name: subAccountFields.name.optional(),
});

export const createAccountSchema = z.strictObject({
  name: z.string().min(1).max(200),
  tier: z.enum(accountTiers).optional(),
  spend_cap_cents: cents.nullable().optional(),
  credit_cents: cents.optional(),
  rate_limit_rpm: z.int().positive().nullable().optional(),
  allowed_models: modelList.nullable().optional(),
  external_ref: z.string().max(200).nullable().optional(),
});

export const updateAccountSchema = z.strictObject({
  name: z.string().min(1).max(200).optional(),
  tier: z.enum(accountTiers).optional(),
  spend_cap_cents: cents.nullable().optional(),
  /** A top-up: added to the granted credit (negative to correct a mistake). */
  add_credit_cents: z.int().min(-900_000_000).max(900_000_000).optional(),
  rate_limit_rpm: z.int().positive().nullable().optional(),
  allowed_models: modelList.nullable().optional(),
  external_ref: z.string().max(200).nullable().optional(),
});

export const mintAccountKeySchema = z.strictObject({ name: z.string().min(1).max(100).optional() });

export const budgetSchema = z.strictObject({ tag, monthly_cap_cents: cents });

export const monthQuerySchema = z.strictObject({
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, "a month as YYYY-MM")
    .optional(),
});

export const usageWindowQuerySchema = z.strictObject({
  window: z
    .string()
    .regex(/^([1-9]\d{0,2})d$/, "a number of days such as 30d (at most 999d)")
    .optional(),
});
