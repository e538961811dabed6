import type { FastifyInstance } from "fastify";
import { GatewayError } from "@aigateway/protocol";
import type { AccountService } from "../../accounts/account-service.ts";
import type { BudgetRecord } from "../../storage/storage.ts";
import { centsToNanodollars, toCents } from "../../usage/format-money.ts";
import { requireTopLevelOwner } from "../middleware/authenticate.ts";
import { budgetSchema } from "../validation/account-schemas.ts";
import { parseWithSchema } from "../validation/parse-with-schema.ts";
import { toUsagePeriods } from "../../storage/fold-usage-rollups.ts";

function toBudgetObject(budget: BudgetRecord, spentNanodollars: number) {
  return {
    object: "budget" as const,
    tag: budget.tag,
    monthly_cap_cents: toCents(budget.monthlyCapNanodollars),
    month_to_date_spend_cents: toCents(spentNanodollars),
    created_at: Math.floor(budget.createdAt / 1000),
    updated_at: Math.floor(budget.updatedAt / 1000),
  };
}

/** Hard monthly caps per `x-aig-tag`, checked before dispatch like account caps. */
export function registerBudgetsRoutes(app: FastifyInstance, accounts: AccountService): void {
  async function spentByTag(accountId: string): Promise<Map<string, number>> {
    const month = toUsagePeriods(Date.now()).month;
    const rollups = await accounts.listRollups({ billingAccountId: accountId }, "month", month, month);
    const spent = new Map<string, number>();
    for (const rollup of rollups)
      spent.set(rollup.tag, (spent.get(rollup.tag) ?? 0) + rollup.costNanodollars);
    return spent;
  }

  app.post("/v1/budgets", async (request, reply) => {
    const profile = requireTopLevelOwner(request, "manage budgets");
    const body = parseWithSchema(budgetSchema, request.body ?? {});
    const budget = await accounts.upsertBudget(
      profile.billing.id,
      body.tag,
      centsToNanodollars(body.monthly_cap_cents),
    );
    const spent = await spentByTag(profile.billing.id);
    return reply.code(201).send(toBudgetObject(budget, spent.get(budget.tag) ?? 0));
  });

  app.get("/v1/budgets", async (request) => {
    const profile = requireTopLevelOwner(request, "read budgets");
    const [budgets, spent] = await Promise.all([
      accounts.listBudgets(profile.billing.id),
      spentByTag(profile.billing.id),
    ]);
    return {
      object: "list",
      data: budgets.map((budget) => toBudgetObject(budget, spent.get(budget.tag) ?? 0)),
    };
  });

  app.delete("/v1/budgets/:tag", async (request) => {
    const profile = requireTopLevelOwner(request, "manage budgets");
    const { tag } = request.params as { tag: string };
    if (!(await accounts.deleteBudget(profile.billing.id, tag))) {
      throw new GatewayError("not_found", { param: "tag", message: `No budget for tag '${tag}'.` });
    }
    return { object: "budget", tag, deleted: true };
  });
}
