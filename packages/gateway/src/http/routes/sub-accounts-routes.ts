import type { FastifyInstance } from "fastify";
import { GatewayError } from "@aigateway/protocol";
import type { AccountService } from "../../accounts/account-service.ts";
import type { Catalog } from "../../catalog/catalog.ts";
import { centsToNanodollars } from "../../usage/format-money.ts";
import { groupRollups, sumRollups, toUsageFields } from "../../usage/summarize-rollups.ts";
import { requireTopLevelOwner } from "../middleware/authenticate.ts";
import {
  createSubAccountSchema,
  updateSubAccountSchema,
  usageWindowQuerySchema,
} from "../validation/account-schemas.ts";
import { parseWithSchema } from "../validation/parse-with-schema.ts";
import { toSubAccountObject } from "./account-objects.ts";
import { checkAllowedModels, readAccountChanges } from "./read-account-changes.ts";
import { toUsagePeriods } from "../../storage/fold-usage-rollups.ts";

function subAccountNotFound(id: string): GatewayError {
  return new GatewayError("not_found", { param: "id", message: `No sub-account '${id}' in this account.` });
}

/** Per-customer scoped keys (contract §4.1); a sub-account key sees none of these. */
export function registerSubAccountsRoutes(
  app: FastifyInstance,
  accounts: AccountService,
  catalog: Catalog,
): void {
  app.post("/v1/sub-accounts", async (request, reply) => {
    const parent = requireTopLevelOwner(request, "create sub-accounts");
    const body = parseWithSchema(createSubAccountSchema, request.body ?? {});
    checkAllowedModels(catalog, body.allowed_models);
    const { record, key } = await accounts.createSubAccount(parent, {
      name: body.name,
      externalRef: body.external_ref ?? null,
      spendCapNanodollars: body.spend_cap_cents == null ? null : centsToNanodollars(body.spend_cap_cents),
      rateLimitRpm: body.rate_limit_rpm ?? null,
      defaultTag: body.default_tag ?? null,
      allowedModels: body.allowed_models ?? null,
    });
    return reply.code(201).send({ ...toSubAccountObject(record), key: key.plaintext });
  });

  app.get("/v1/sub-accounts", async (request) => {
    const parent = requireTopLevelOwner(request, "list sub-accounts");
    const records = await accounts.listSubAccounts(parent.billing.id);
    return { object: "list", data: records.map(toSubAccountObject) };
  });

  app.get("/v1/sub-accounts/:id", async (request) => {
    const parent = requireTopLevelOwner(request, "read sub-accounts");
    const { id } = request.params as { id: string };
    const record = await accounts.findSubAccount(parent.billing.id, id);
    if (!record) throw subAccountNotFound(id);
    return toSubAccountObject(record);
  });

  app.patch("/v1/sub-accounts/:id", async (request) => {
    const parent = requireTopLevelOwner(request, "update sub-accounts");
    const { id } = request.params as { id: string };
    const body = parseWithSchema(updateSubAccountSchema, request.body ?? {});
    checkAllowedModels(catalog, body.allowed_models);
    const record = await accounts.updateSubAccount(parent, id, readAccountChanges(body));
    if (!record) throw subAccountNotFound(id);
    return toSubAccountObject(record);
  });

  app.delete("/v1/sub-accounts/:id", async (request) => {
    const parent = requireTopLevelOwner(request, "delete sub-accounts");
    const { id } = request.params as { id: string };
    if (!(await accounts.deleteSubAccount(parent.billing.id, id))) throw subAccountNotFound(id);
    return { status: "ok", id, object: "sub_account", deleted: true };
  });

  app.get("/v1/sub-accounts/:id/usage", async (request) => {
    const parent = requireTopLevelOwner(request, "read sub-account usage");
    const { id } = request.params as { id: string };
    const query = parseWithSchema(usageWindowQuerySchema, request.query ?? {});
    if (!(await accounts.findSubAccount(parent.billing.id, id))) throw subAccountNotFound(id);
    const window = query.window ?? "30d";
    const days = Number(window.slice(0, -1));
    // Today counts as the window's last day.
    const from = toUsagePeriods(Date.now() - (days - 1) * 86_400_000).day;
    const rollups = await accounts.listRollups({ accountId: id }, "day", from);
    return {
      object: "sub_account.usage",
      sub_account_id: id,
      window,
      summary: toUsageFields(sumRollups(rollups)),
      by_model: groupRollups(rollups, (rollup) => rollup.model).map(([model, totals]) => ({
        model_id: model,
        ...toUsageFields(totals),
      })),
      by_day: groupRollups(rollups, (rollup) => rollup.period).map(([date, totals]) => ({
        date,
        ...toUsageFields(totals),
      })),
    };
  });
}
