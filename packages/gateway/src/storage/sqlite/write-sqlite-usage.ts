import type { DatabaseSync } from "node:sqlite";
import { foldUsageRollups } from "../fold-usage-rollups.ts";
import type { UsageRecord } from "../storage.ts";

/**
 * Usage rows and their rollups, written inside a transaction the caller holds: the usage store's own
 * batch transaction, or a job's or batch line's, so the charge commits with the work it pays for.
 */
export function createSqliteUsageWriter(database: DatabaseSync): (records: readonly UsageRecord[]) => void {
  const insertRow = database.prepare(
    `INSERT INTO usage_log (request_id, account_id, key_id, tag, endpoint, model, provider, status, error_type, stream,
       latency_ms, ttft_ms, prompt_tokens, completion_tokens, cached_tokens, cache_write_tokens, reasoning_tokens,
       cost_nanodollars, created_at, billing_account_id, attempts, attempt_log, cache_hit)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const upsertRollup = database.prepare(
    `INSERT INTO usage_rollups (billing_account_id, granularity, period, account_id, tag, model, requests, errors,
       cost_nanodollars, prompt_tokens, completion_tokens)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (billing_account_id, granularity, period, account_id, tag, model) DO UPDATE SET
       requests = requests + excluded.requests, errors = errors + excluded.errors,
       cost_nanodollars = cost_nanodollars + excluded.cost_nanodollars,
       prompt_tokens = prompt_tokens + excluded.prompt_tokens,
       completion_tokens = completion_tokens + excluded.completion_tokens`,
  );
  return (records) => {
    for (const record of records) {
      insertRow.run(
        record.requestId,
        record.accountId,
        record.keyId,
        record.tag,
        record.endpoint,
        record.model,
        record.provider,
        record.status,
        record.errorType,
        record.stream ? 1 : 0,
        record.latencyMs,
        record.timeToFirstTokenMs,
        record.promptTokens,
        record.completionTokens,
        record.cachedTokens,
        record.cacheWriteTokens,
        record.reasoningTokens,
        record.costNanodollars,
        record.createdAt,
        record.billingAccountId,
        record.attempts ?? 1,
        record.attemptLog ?? null,
        record.cacheHit ? 1 : 0,
      );
    }
    for (const rollup of foldUsageRollups(records)) {
      upsertRollup.run(
        rollup.billingAccountId,
        rollup.granularity,
        rollup.period,
        rollup.accountId,
        rollup.tag,
        rollup.model,
        rollup.requests,
        rollup.errors,
        rollup.costNanodollars,
        rollup.promptTokens,
        rollup.completionTokens,
      );
    }
  };
}
