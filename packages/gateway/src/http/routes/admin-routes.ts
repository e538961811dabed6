import type { FastifyInstance } from "fastify";
import { GatewayError } from "@aigateway/protocol";
import type { AccountService } from "../../accounts/account-service.ts";
import type { Catalog } from "../../catalog/catalog.ts";
import { centsToNanodollars, toCents } from "../../usage/format-money.ts";
import { requireAdmin } from "../middleware/authenticate.ts";
import {
  createAccountSchema,
  mintAccountKeySchema,
  updateAccountSchema,
} from "../validation/account-schemas.ts";
import { parseWithSchema } from "../validation/parse-with-schema.ts";
import { toAccountObject } from "./account-objects.ts";
import { checkAllowedModels, readAccountChanges } from "./read-account-changes.ts";
import { toUsagePeriods } from "../../storage/fold-usage-rollups.ts";

function accountNotFound(id: string): GatewayError {
  return new GatewayError("not_found", { param: "id", message: `No account '${id}'.` });
}

/** The operator's API (admin key only): tenants, their tier, cap, credit and keys. */
export function registerAdminRoutes(app: FastifyInstance, accounts: AccountService, catalog: Catalog): void {
  app.post("/v1/admin/accounts", async (request, reply) => {
    requireAdmin(request);
    const body = parseWithSchema(createAccountSchema, request.body ?? {});
    checkAllowedModels(catalog, body.allowed_models);
    const record = await accounts.createAccount({
      name: body.name,
      ...(body.tier ? { tier: body.tier } : {}),
      spendCapNanodollars: body.spend_cap_cents == null ? null : centsToNanodollars(body.spend_cap_cents),
      creditNanodollars: body.credit_cents === undefined ? null : centsToNanodollars(body.credit_cents),
      rateLimitRpm: body.rate_limit_rpm ?? null,
      allowedModels: body.allowed_models ?? null,
      externalRef: body.external_ref ?? null,
    });
    const key = await accounts.mintAccountKey(record.id, "owner");
    return reply.code(201).send({ ...toAccountObject(record), key: key.plaintext, key_id: key.record.id });
  });

  app.get("/v1/admin/accounts", async (request) => {
    requireAdmin(request);
    return { object: "list", data: (await accounts.listAccounts()).map(toAccountObject) };
  });

  app.get("/v1/admin/accounts/:id", async (request) => {
    requireAdmin(request);
    const { id } = request.params as { id: string };
    const record = await accounts.findAccount(id);
    if (!record || record.deletedAt !== null) throw accountNotFound(id);
    const rollups = await accounts.listRollups({ billingAccountId: id }, "month");
    const month = toUsagePeriods(Date.now()).month;
    const spent = (period?: string) =>
      rollups
        .filter((rollup) => period === undefined || rollup.period === period)
        .reduce((total, rollup) => total + rollup.costNanodollars, 0);
    return {
      ...toAccountObject(record),
      parent_id: record.parentId,
      month_to_date_spend_cents: toCents(spent(month)),
      lifetime_spend_cents: toCents(spent()),
      balance_cents: record.creditNanodollars === null ? null : toCents(record.creditNanodollars - spent()),
    };
  });

  app.patch("/v1/admin/accounts/:id", async (request) => {
    requireAdmin(request);
    const { id } = request.params as { id: string };
    const body = parseWithSchema(updateAccountSchema, request.body ?? {});
    checkAllowedModels(catalog, body.allowed_models);
    const record = await accounts.updateAccount(
      id,
      readAccountChanges(body),
      body.add_credit_cents === undefined ? undefined : centsToNanodollars(body.add_credit_cents),
    );
    if (!record) throw accountNotFound(id);
    return toAccountObject(record);
  });

  app.post("/v1/admin/accounts/:id/keys", async (request, reply) => {
    requireAdmin(request);
    const { id } = request.params as { id: string };
    const body = parseWithSchema(mintAccountKeySchema, request.body ?? {});
    const record = await accounts.findAccount(id);
    if (!record || record.deletedAt !== null) throw accountNotFound(id);
    const minted = await accounts.mintAccountKey(id, body.name ?? "api key");
    return reply.code(201).send({
      id: minted.record.id,
      object: "api_key",
      account_id: id,
      name: minted.record.name,
      prefix: minted.record.prefix,
      role: minted.record.role,
      created_at: Math.floor(minted.record.createdAt / 1000),
      key: minted.plaintext,
    });
  });
}
