import type { Pool } from "pg";
import {
  batchColumns,
  toBatchChangeColumns,
  toBatchLineRecord,
  toBatchRecord,
  toBatchValues,
} from "../batch-row.ts";
import type { BatchRecord, BatchStore } from "../storage.ts";
import type { StoredRow } from "../stored-row.ts";
import { inPostgresTransaction, writePostgresUsage } from "./write-postgres-usage.ts";

const insertBatchSql = `INSERT INTO batches (${batchColumns.join(", ")})
  VALUES (${batchColumns.map((_, index) => `$${index + 1}`).join(", ")})`;

const claimBatchesSql = `
  UPDATE batches SET lease_owner = $1, lease_until = $2
  WHERE id IN (
    SELECT id FROM batches
    WHERE (status IN ('validating', 'finalizing', 'cancelling')
        OR (status = 'in_progress' AND (expires_at <= $3 OR NOT EXISTS (
          SELECT 1 FROM batch_lines WHERE batch_lines.batch_id = batches.id AND batch_lines.status = 'pending'))))
      AND (lease_until IS NULL OR lease_until <= $3)
    ORDER BY created_at, id
    LIMIT $4
    FOR UPDATE SKIP LOCKED
  )
  RETURNING *`;

const claimLinesSql = `
  UPDATE batch_lines SET lease_owner = $1, lease_until = $2
  WHERE (batch_id, line_index) IN (
    SELECT line.batch_id, line.line_index FROM batch_lines AS line JOIN batches AS batch ON batch.id = line.batch_id
    WHERE line.status = 'pending' AND batch.status = 'in_progress' AND batch.expires_at > $3
      AND (line.lease_until IS NULL OR line.lease_until <= $3)
    ORDER BY batch.created_at, line.batch_id, line.line_index
    LIMIT $4
    FOR UPDATE OF line SKIP LOCKED
  )
  RETURNING *`;

export function createPostgresBatchStore(pool: Pool): BatchStore {
  async function findBatch(accountId: string, id: string): Promise<BatchRecord | undefined> {
    const { rows } = await pool.query<StoredRow>("SELECT * FROM batches WHERE account_id = $1 AND id = $2", [
      accountId,
      id,
    ]);
    return rows[0] ? toBatchRecord(rows[0]) : undefined;
  }

  return {
    async insertBatch(batch) {
      await pool.query(insertBatchSql, toBatchValues(batch));
    },
    findBatch,
    async findBatchById(id) {
      const { rows } = await pool.query<StoredRow>("SELECT * FROM batches WHERE id = $1", [id]);
      return rows[0] ? toBatchRecord(rows[0]) : undefined;
    },
    async listBatches(accountId, query) {
      const { rows } = query.after
        ? await pool.query<StoredRow>(
            `SELECT * FROM batches WHERE account_id = $1 AND (created_at < $2 OR (created_at = $2 AND id < $3))
             ORDER BY created_at DESC, id DESC LIMIT $4`,
            [accountId, query.after.createdAt, query.after.id, query.limit],
          )
        : await pool.query<StoredRow>(
            "SELECT * FROM batches WHERE account_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
            [accountId, query.limit],
          );
      return rows.map(toBatchRecord);
    },
    async claimBatches({ now, limit, leaseOwner, leaseUntil }) {
      const { rows } = await pool.query<StoredRow>(claimBatchesSql, [leaseOwner, leaseUntil, now, limit]);
      return rows.map(toBatchRecord);
    },
    async updateBatch(id, leaseOwner, changes) {
      const { columns, values } = toBatchChangeColumns(changes);
      const assignments = columns.map((column, index) => `${column} = $${index + 1}`);
      const parameters = [...values, id, leaseOwner];
      const result = await pool.query(
        `UPDATE batches SET ${[...assignments, "lease_owner = NULL", "lease_until = NULL"].join(", ")}
         WHERE id = $${parameters.length - 1} AND lease_owner = $${parameters.length}`,
        parameters,
      );
      return (result.rowCount ?? 0) > 0;
    },
    async startBatch(id, leaseOwner, lines, now) {
      return inPostgresTransaction(pool, async (client) => {
        const result = await client.query(
          `UPDATE batches SET status = 'in_progress', in_progress_at = $1, total = $2, lease_owner = NULL,
             lease_until = NULL
           WHERE id = $3 AND lease_owner = $4 AND status = 'validating'`,
          [now, lines.length, id, leaseOwner],
        );
        if ((result.rowCount ?? 0) === 0) return false;
        // In slices, so one statement's parameters stay well under PostgreSQL's limit.
        for (let start = 0; start < lines.length; start += 1000) {
          const slice = lines.slice(start, start + 1000);
          await client.query(
            `INSERT INTO batch_lines (batch_id, line_index, custom_id, body, status, cost_nanodollars)
             SELECT $1, line_index, custom_id, body, 'pending', 0
             FROM unnest($2::bigint[], $3::text[], $4::text[]) AS line(line_index, custom_id, body)
             ON CONFLICT DO NOTHING`,
            [
              id,
              slice.map((line) => line.index),
              slice.map((line) => line.customId),
              slice.map((line) => line.body),
            ],
          );
        }
        return true;
      });
    },
    async claimBatchLines({ now, limit, leaseOwner, leaseUntil }) {
      const { rows } = await pool.query<StoredRow>(claimLinesSql, [leaseOwner, leaseUntil, now, limit]);
      return rows
        .map(toBatchLineRecord)
        .sort((a, b) => (a.batchId < b.batchId ? -1 : a.batchId > b.batchId ? 1 : 0) || a.index - b.index);
    },
    async finishBatchLine(batchId, index, leaseOwner, outcome, usage) {
      return inPostgresTransaction(pool, async (client) => {
        const result = await client.query(
          `UPDATE batch_lines SET status = $1, output = $2, cost_nanodollars = $3, completed_at = $4,
             lease_owner = NULL, lease_until = NULL
           WHERE batch_id = $5 AND line_index = $6 AND lease_owner = $7 AND status = 'pending'`,
          [
            outcome.status,
            outcome.output,
            outcome.costNanodollars,
            outcome.completedAt,
            batchId,
            index,
            leaseOwner,
          ],
        );
        if ((result.rowCount ?? 0) === 0) return false;
        await client.query(
          "UPDATE batches SET completed = completed + $1, failed = failed + $2 WHERE id = $3",
          [outcome.status === "succeeded" ? 1 : 0, outcome.status === "failed" ? 1 : 0, batchId],
        );
        if (usage.length > 0) await writePostgresUsage(client, usage);
        return true;
      });
    },
    async renewBatchLineLease(batchId, index, leaseOwner, leaseUntil) {
      const result = await pool.query(
        `UPDATE batch_lines SET lease_until = $1
         WHERE batch_id = $2 AND line_index = $3 AND lease_owner = $4 AND status = 'pending'`,
        [leaseUntil, batchId, index, leaseOwner],
      );
      return (result.rowCount ?? 0) > 0;
    },
    async releaseBatchLine(batchId, index, leaseOwner) {
      await pool.query(
        `UPDATE batch_lines SET lease_owner = NULL, lease_until = NULL
         WHERE batch_id = $1 AND line_index = $2 AND lease_owner = $3`,
        [batchId, index, leaseOwner],
      );
    },
    async countLeasedLines(batchId, now) {
      const { rows } = await pool.query<{ count: number }>(
        `SELECT COUNT(*)::bigint AS count FROM batch_lines
         WHERE batch_id = $1 AND status = 'pending' AND lease_until IS NOT NULL AND lease_until > $2`,
        [batchId, now],
      );
      return rows[0]?.count ?? 0;
    },
    async countPendingLines(batchId) {
      const { rows } = await pool.query<{ count: number }>(
        "SELECT COUNT(*)::bigint AS count FROM batch_lines WHERE batch_id = $1 AND status = 'pending'",
        [batchId],
      );
      return rows[0]?.count ?? 0;
    },
    async listBatchLines(batchId, fromIndex, limit) {
      const { rows } = await pool.query<StoredRow>(
        "SELECT * FROM batch_lines WHERE batch_id = $1 AND line_index >= $2 ORDER BY line_index LIMIT $3",
        [batchId, fromIndex, limit],
      );
      return rows.map(toBatchLineRecord);
    },
    async cancelBatch(accountId, id, now) {
      await pool.query(
        `UPDATE batches SET status = 'cancelling', cancelling_at = $1
         WHERE account_id = $2 AND id = $3 AND status IN ('validating', 'in_progress')`,
        [now, accountId, id],
      );
      return findBatch(accountId, id);
    },
    async listBatchesAwaitingEvent(limit) {
      const { rows } = await pool.query<StoredRow>(
        `SELECT * FROM batches WHERE event_recorded_at IS NULL
           AND status IN ('completed', 'failed', 'expired', 'cancelled')
         ORDER BY created_at LIMIT $1`,
        [limit],
      );
      return rows.map(toBatchRecord);
    },
    async markBatchEventRecorded(id, at) {
      await pool.query("UPDATE batches SET event_recorded_at = $1 WHERE id = $2", [at, id]);
    },
  };
}
