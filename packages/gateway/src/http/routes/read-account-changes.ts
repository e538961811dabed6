import { GatewayError } from "@aigateway/protocol";
import type { Catalog } from "../../catalog/catalog.ts";
import type { AccountChanges, AccountTier } from "../../storage/storage.ts";
import { centsToNanodollars } from "../../usage/format-money.ts";

/** The snake_case body fields an account or sub-account update may carry. */
export interface AccountFieldsBody {
  name?: string | undefined;
  tier?: AccountTier | undefined;
  external_ref?: string | null | undefined;
  spend_cap_cents?: number | null | undefined;
  rate_limit_rpm?: number | null | undefined;
  default_tag?: string | null | undefined;
  allowed_models?: string[] | null | undefined;
}

/** An allow-list naming a model the catalog lacks is a typo the caller wants to hear about now. */
export function checkAllowedModels(catalog: Catalog, models: readonly string[] | null | undefined): void {
  const unknown = (models ?? []).filter((model) => !catalog.find(model));
  if (unknown.length > 0) {
    throw new GatewayError("invalid_request", {
      param: "allowed_models",
      message: `Unknown models in allowed_models: ${unknown.join(", ")}. GET /v1/models lists them.`,
    });
  }
}

export function readAccountChanges(body: AccountFieldsBody): AccountChanges {
  const changes: AccountChanges = {};
  if (body.name !== undefined) changes.name = body.name;
  if (body.tier !== undefined) changes.tier = body.tier;
  if (body.external_ref !== undefined) changes.externalRef = body.external_ref;
  if (body.spend_cap_cents !== undefined) {
    changes.spendCapNanodollars =
      body.spend_cap_cents === null ? null : centsToNanodollars(body.spend_cap_cents);
  }
  if (body.rate_limit_rpm !== undefined) changes.rateLimitRpm = body.rate_limit_rpm;
  if (body.default_tag !== undefined) changes.defaultTag = body.default_tag;
  if (body.allowed_models !== undefined) changes.allowedModels = body.allowed_models;
  return changes;
}
