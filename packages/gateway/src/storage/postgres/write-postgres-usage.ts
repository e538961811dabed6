import type { PoolClient } from "pg";
import { foldUsageRollups } from "../fold-usage-rollups.ts";
import type { UsageRecord, UsageRollup } from "../storage.ts";

// A batch goes in as one array per column through unnest: one statement and one round trip whatever
// the batch size, all rows or none like SQLite's transaction, and one parameter per column, far from the
// protocol's 65,535 limit that a multi-row VALUES list reaches at about 3,400 rows.
const usageColumns: readonly (readonly [string, string, (record: UsageRecord) => unknown])[] = [
  ["request_id", "text", (record) => record.requestId],
  ["account_id", "text", (record) => record.accountId],
  ["key_id", "text", (record) => record.keyId],
  ["tag", "text", (record) => record.tag],
  ["endpoint", "text", (record) => record.endpoint],
  ["model", "text", (record) => record.model],
  ["provider", "text", (record) => record.provider],
  ["status", "integer", (record) => record.status],
  ["error_type", "text", (record) => record.errorType],
  ["stream", "boolean", (record) => record.stream],
  ["latency_ms", "bigint", (record) => record.latencyMs],
  ["ttft_ms", "bigint", (record) => record.timeToFirstTokenMs],
  ["prompt_tokens", "bigint", (record) => record.promptTokens],
  ["completion_tokens", "bigint", (record) => record.completionTokens],
  ["cached_tokens", "bigint", (record) => record.cachedTokens],
  ["cache_write_tokens", "bigint", (record) => record.cacheWriteTokens],
  ["reasoning_tokens", "bigint", (record) => record.reasoningTokens],
  ["cost_nanodollars", "bigint", (record) => record.costNanodollars],
  ["created_at", "bigint", (record) => record.createdAt],
  ["billing_account_id", "text", (record) => record.billingAccountId],
  ["attempts", "integer", (record) => record.attempts ?? 1],
  ["attempt_log", "text", (record) => record.attemptLog ?? null],
  ["cache_hit", "boolean", (record) => record.cacheHit ?? false],
];

const rollupColumns: readonly (readonly [string, string, (rollup: UsageRollup) => unknown])[] = [
  ["billing_account_id", "text", (rollup) => rollup.billingAccountId],
  ["granularity", "text", (rollup) => rollup.granularity],
  ["period", "text", (rollup) => rollup.period],
  ["account_id", "text", (rollup) => rollup.accountId],
  ["tag", "text", (rollup) => rollup.tag],
  ["model", "text", (rollup) => rollup.model],
  ["requests", "bigint", (rollup) => rollup.requests],
  ["errors", "bigint", (rollup) => rollup.errors],
  ["cost_nanodollars", "bigint", (rollup) => rollup.costNanodollars],
  ["prompt_tokens", "bigint", (rollup) => rollup.promptTokens],
  ["completion_tokens", "bigint", (rollup) => rollup.completionTokens],
];

// The rows and their rollup increments in one statement, so both land or neither does. Rollups come
// pre-folded and sorted (foldUsageRollups), and WITH ORDINALITY keeps that order for the row locks.
const rollupOffset = usageColumns.length;
const insertUsageSql = `
  WITH inserted AS (
    INSERT INTO usage_log (${usageColumns.map(([column]) => column).join(", ")})
    SELECT * FROM unnest(${usageColumns.map(([, type], index) => `$${index + 1}::${type}[]`).join(", ")})
  )
  INSERT INTO usage_rollups (${rollupColumns.map(([column]) => column).join(", ")})
  SELECT ${rollupColumns.map(([column]) => column).join(", ")}
  FROM unnest(${rollupColumns.map(([, type], index) => `$${rollupOffset + index + 1}::${type}[]`).join(", ")})
    WITH ORDINALITY AS rollup(${rollupColumns.map(([column]) => column).join(", ")}, position)
  ORDER BY position
  ON CONFLICT (billing_account_id, granularity, period, account_id, tag, model) DO UPDATE SET
    requests = usage_rollups.requests + excluded.requests,
    errors = usage_rollups.errors + excluded.errors,
    cost_nanodollars = usage_rollups.cost_nanodollars + excluded.cost_nanodollars,
    prompt_tokens = usage_rollups.prompt_tokens + excluded.prompt_tokens,
    completion_tokens = usage_rollups.completion_tokens + excluded.completion_tokens`;

/**
 * Usage rows and their rollups in one statement: through the pool for the write-behind log, or on a
 * client inside a transaction the caller holds, so a job or batch line and its charge commit together.
 */
export async function writePostgresUsage(
  database: Pick<PoolClient, "query">,
  records: readonly UsageRecord[],
): Promise<void> {
  if (records.length === 0) return;
  const rollups = foldUsageRollups(records);
  await database.query(insertUsageSql, [
    ...usageColumns.map(([, , read]) => records.map(read)),
    ...rollupColumns.map(([, , read]) => rollups.map(read)),
  ]);
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
