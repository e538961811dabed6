import type { FastifyInstance } from "fastify";
import type { AccountService } from "../../accounts/account-service.ts";
import { toCents } from "../../usage/format-money.ts";
import { requireProfile } from "../middleware/authenticate.ts";
import { toUsagePeriods } from "../../storage/fold-usage-rollups.ts";

/** Credit, month-to-date spend and caps for the calling key's account (contract: GET /v1/balance). */
export function registerBalanceRoute(app: FastifyInstance, accounts: AccountService): void {
  app.get("/v1/balance", async (request) => {
    const profile = requireProfile(request);
    const balance = await accounts.readBalance(profile);
    const optionalCents = (nanodollars: number | null) =>
      nanodollars === null ? null : toCents(nanodollars);
    return {
      object: "balance",
      account_id: profile.billing.id,
      sub_account_id: profile.parent ? profile.account.id : null,
      tier: profile.billing.tier,
      currency: "usd",
      month: toUsagePeriods(Date.now()).month,
      balance_cents: optionalCents(balance.balanceNanodollars),
      credit_cents: optionalCents(profile.billing.creditNanodollars),
      month_to_date_spend_cents: toCents(balance.monthToDateNanodollars),
      spend_cap_cents: optionalCents(profile.account.spendCapNanodollars),
      parent_spend_cap_cents: profile.parent ? optionalCents(profile.billing.spendCapNanodollars) : null,
      rate_limit_rpm: Number.isFinite(profile.requestsPerMinute) ? profile.requestsPerMinute : null,
    };
  });
}
