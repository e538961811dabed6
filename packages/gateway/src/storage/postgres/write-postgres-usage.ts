import type { PoolClient } from "pg";
import { foldUsageRollups } from "../fold-usage-rollups.ts";
import type { UsageRecord } from "../storage.ts";

/**
 * Usage rows and their rollups written on a client inside a transaction the caller holds, so a job
 * or batch line and its charge commit together. Same columns and rollup arithmetic as the usage store.
 */
export async function writePostgresUsage(client: PoolClient, records: readonly UsageRecord[]): Promise<void> {
  for (const record of records) {
    await client.query(
      `INSERT INTO usage_log (request_id, account_id, key_id, tag, endpoint, model, provider, status, error_type,
         stream, latency_ms, ttft_ms, prompt_tokens, completion_tokens, cached_tokens, cache_write_tokens,
         reasoning_tokens, cost_nanodollars, created_at, billing_account_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)`,
      [
        record.requestId,
        record.accountId,
        record.keyId,
        record.tag,
        record.endpoint,
        record.model,
        record.provider,
        record.status,
        record.errorType,
        record.stream,
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
      ],
    );
  }
  // Folded rollups come sorted by key, so concurrent writers lock rollup rows in the same order.
  for (const rollup of foldUsageRollups(records)) {
    await client.query(
      `INSERT INTO usage_rollups (billing_account_id, granularity, period, account_id, tag, model, requests, errors,
         cost_nanodollars, prompt_tokens, completion_tokens)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (billing_account_id, granularity, period, account_id, tag, model) DO UPDATE SET
         requests = usage_rollups.requests + excluded.requests,
         errors = usage_rollups.errors + excluded.errors,
         cost_nanodollars = usage_rollups.cost_nanodollars + excluded.cost_nanodollars,
         prompt_tokens = usage_rollups.prompt_tokens + excluded.prompt_tokens,
         completion_tokens = usage_rollups.completion_tokens + excluded.completion_tokens`,
      [
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
      ],
    );
  }
}

/** Runs `work` in a transaction on one pooled client; rolls back on any error. */
export async function inPostgresTransaction<T>(
  pool: { connect(): Promise<PoolClient> },
  work: (client: PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const value = await work(client);
    await client.query("COMMIT");
    return value;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
