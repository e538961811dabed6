import type { FastifyInstance } from "fastify";
import type { UsageRecord, UsageStore } from "../../storage/storage.ts";
import { toCents } from "../../usage/format-money.ts";
import type { UsageWriter } from "../../usage/usage-writer.ts";
import type { AccountService } from "../../accounts/account-service.ts";
import { groupRollups, toUsageFields } from "../../usage/summarize-rollups.ts";
import { requirePrincipal, requireProfile, requireTopLevelOwner } from "../middleware/authenticate.ts";
import { monthQuerySchema } from "../validation/account-schemas.ts";
import { parseWithSchema } from "../validation/parse-with-schema.ts";
import { recentUsageQuerySchema } from "../validation/recent-usage-query-schema.ts";
import { toUsagePeriods } from "../../storage/fold-usage-rollups.ts";

export function toUsageRow(record: UsageRecord) {
  return {
    request_id: record.requestId,
    endpoint: record.endpoint,
    model: record.model,
    provider: record.provider,
    status: record.status,
    error_type: record.errorType,
    stream: record.stream,
    latency_ms: record.latencyMs,
    ttft_ms: record.timeToFirstTokenMs,
    prompt_tokens: record.promptTokens,
    completion_tokens: record.completionTokens,
    cached_tokens: record.cachedTokens,
    reasoning_tokens: record.reasoningTokens,
    cost_cents: toCents(record.costNanodollars),
    cost_nanodollars: record.costNanodollars,
    tag: record.tag,
    key_id: record.keyId,
    sub_account_id: record.accountId !== record.billingAccountId ? record.accountId : null,
    attempts: record.attempts ?? 1,
    attempt_log: parseAttemptLog(record.attemptLog),
    cache_hit: record.cacheHit ?? false,
    created_at: new Date(record.createdAt).toISOString(),
  };
}

/** Every upstream try of the request (provider, model, outcome); stored as JSON text. */
function parseAttemptLog(text: string | null | undefined): unknown[] {
  if (!text) return [];
  try {
    return JSON.parse(text) as unknown[];
  } catch {
    return [];
  }
}

export function registerUsageRoutes(
  app: FastifyInstance,
  store: UsageStore,
  writer: UsageWriter,
  accounts: AccountService,
): void {
  const readMonth = (query: unknown): string =>
    parseWithSchema(monthQuerySchema, query ?? {}).month ?? toUsagePeriods(Date.now()).month;

  // A sub-account key sees its own spend; an account key sees its sub-accounts' spend too.
  app.get("/v1/usage/by-tag", async (request) => {
    const profile = requireProfile(request);
    const month = readMonth(request.query);
    const scope = profile.parent
      ? { accountId: profile.account.id }
      : { billingAccountId: profile.billing.id };
    const rollups = await accounts.listRollups(scope, "month", month, month);
    return {
      object: "list",
      month,
      data: groupRollups(rollups, (rollup) => rollup.tag).map(([tag, totals]) => ({
        tag: tag === "" ? null : tag,
        ...toUsageFields(totals),
      })),
    };
  });

  app.get("/v1/usage/by-sub-account", async (request) => {
    const profile = requireTopLevelOwner(request, "read other accounts' usage");
    const month = readMonth(request.query);
    const rollups = await accounts.listRollups(
      { billingAccountId: profile.billing.id },
      "month",
      month,
      month,
    );
    const children = rollups.filter((rollup) => rollup.accountId !== profile.billing.id);
    return {
      object: "list",
      month,
      data: groupRollups(children, (rollup) => rollup.accountId).map(([subAccountId, totals]) => ({
        sub_account_id: subAccountId,
        ...toUsageFields(totals),
      })),
    };
  });

  app.get("/v1/usage/recent", async (request) => {
    const principal = requirePrincipal(request);
    const query = parseWithSchema(recentUsageQuerySchema, request.query);
    // Off the hot path: make the caller's own latest requests visible before reading.
    await writer.flush();
    const records = await store.listRecentUsage(principal.accountId, query.limit ?? 100);
    return { object: "list", data: records.map(toUsageRow) };
  });
}
