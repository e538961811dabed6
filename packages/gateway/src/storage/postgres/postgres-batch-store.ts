import type { Pool } from "pg";
import type {
  BatchChanges,
  BatchLineRecord,
  BatchLineStatus,
  BatchRecord,
  BatchStatus,
  BatchStore,
} from "../storage.ts";
import { inPostgresTransaction, writePostgresUsage } from "./write-postgres-usage.ts";

// Row shapes as the pool returns them (its int8 parser turns BIGINT into numbers).
interface BatchRow {
  id: string;
  account_id: string;
  key_id: string;
  tag: string | null;
  endpoint: string;
  input_file_id: string;
  completion_window: string;
  metadata: string | null;
  status: string;
  errors: string | null;
  output_file_id: string | null;
  error_file_id: string | null;
  total: number;
  completed: number;
  failed: number;
  created_at: number;
  in_progress_at: number | null;
  expires_at: number;
  finalizing_at: number | null;
  completed_at: number | null;
  failed_at: number | null;
  expired_at: number | null;
  cancelling_at: number | null;
  cancelled_at: number | null;
  lease_owner: string | null;
  lease_until: number | null;
  event_recorded_at: number | null;
}

interface LineRow {
  batch_id: string;
  line_index: number;
  custom_id: string;
  body: string;
  status: string;
  output: string | null;
  cost_nanodollars: number;
  lease_owner: string | null;
  lease_until: number | null;
  completed_at: number | null;
}

const parseJson = (value: string | null): unknown => (value === null ? null : (JSON.parse(value) as unknown));

function toBatch(row: BatchRow): BatchRecord {
  return {
    id: row.id,
    accountId: row.account_id,
    keyId: row.key_id,
    tag: row.tag,
    endpoint: row.endpoint,
    inputFileId: row.input_file_id,
    completionWindow: row.completion_window,
    metadata: parseJson(row.metadata) as BatchRecord["metadata"],
    status: row.status as BatchStatus,
    errors: parseJson(row.errors) as BatchRecord["errors"],
    outputFileId: row.output_file_id,
    errorFileId: row.error_file_id,
    total: row.total,
    completed: row.completed,
    failed: row.failed,
    createdAt: row.created_at,
    inProgressAt: row.in_progress_at,
    expiresAt: row.expires_at,
    finalizingAt: row.finalizing_at,
    completedAt: row.completed_at,
    failedAt: row.failed_at,
    expiredAt: row.expired_at,
    cancellingAt: row.cancelling_at,
    cancelledAt: row.cancelled_at,
    leaseOwner: row.lease_owner,
    leaseUntil: row.lease_until,
    eventRecordedAt: row.event_recorded_at,
  };
}

function toLine(row: LineRow): BatchLineRecord {
  return {
    batchId: row.batch_id,
    index: row.line_index,
    customId: row.custom_id,
    body: row.body,
    status: row.status as BatchLineStatus,
    output: row.output,
    costNanodollars: row.cost_nanodollars,
    leaseOwner: row.lease_owner,
    leaseUntil: row.lease_until,
    completedAt: row.completed_at,
  };
}

const changeColumns: Record<keyof BatchChanges, string> = {
  status: "status",
  errors: "errors",
  outputFileId: "output_file_id",
  errorFileId: "error_file_id",
  total: "total",
  inProgressAt: "in_progress_at",
  finalizingAt: "finalizing_at",
  completedAt: "completed_at",
  failedAt: "failed_at",
  expiredAt: "expired_at",
  cancelledAt: "cancelled_at",
};

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
    const { rows } = await pool.query<BatchRow>("SELECT * FROM batches WHERE account_id = $1 AND id = $2", [
      accountId,
      id,
    ]);
    return rows[0] ? toBatch(rows[0]) : undefined;
  }

  return {
    async insertBatch(batch) {
      await pool.query(
        `INSERT INTO batches (id, account_id, key_id, tag, endpoint, input_file_id, completion_window, metadata,
           status, errors, output_file_id, error_file_id, total, completed, failed, created_at, in_progress_at,
           expires_at, finalizing_at, completed_at, failed_at, expired_at, cancelling_at, cancelled_at,
           lease_owner, lease_until, event_recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
           $22, $23, $24, $25, $26, $27)`,
        [
          batch.id,
          batch.accountId,
          batch.keyId,
          batch.tag,
          batch.endpoint,
          batch.inputFileId,
          batch.completionWindow,
          batch.metadata === null ? null : JSON.stringify(batch.metadata),
          batch.status,
          batch.errors === null ? null : JSON.stringify(batch.errors),
          batch.outputFileId,
          batch.errorFileId,
          batch.total,
          batch.completed,
          batch.failed,
          batch.createdAt,
          batch.inProgressAt,
          batch.expiresAt,
          batch.finalizingAt,
          batch.completedAt,
          batch.failedAt,
          batch.expiredAt,
          batch.cancellingAt,
          batch.cancelledAt,
          batch.leaseOwner,
          batch.leaseUntil,
          batch.eventRecordedAt,
        ],
      );
    },
    findBatch,
    async findBatchById(id) {
      const { rows } = await pool.query<BatchRow>("SELECT * FROM batches WHERE id = $1", [id]);
      return rows[0] ? toBatch(rows[0]) : undefined;
    },
    async listBatches(accountId, query) {
      const { rows } = query.after
        ? await pool.query<BatchRow>(
            `SELECT * FROM batches WHERE account_id = $1 AND (created_at < $2 OR (created_at = $2 AND id < $3))
             ORDER BY created_at DESC, id DESC LIMIT $4`,
            [accountId, query.after.createdAt, query.after.id, query.limit],
          )
        : await pool.query<BatchRow>(
            "SELECT * FROM batches WHERE account_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
            [accountId, query.limit],
          );
      return rows.map(toBatch);
    },
    async claimBatches({ now, limit, leaseOwner, leaseUntil }) {
      const { rows } = await pool.query<BatchRow>(claimBatchesSql, [leaseOwner, leaseUntil, now, limit]);
      return rows.map(toBatch);
    },
    async updateBatch(id, leaseOwner, changes) {
      const assignments: string[] = [];
      const values: unknown[] = [];
      for (const [field, value] of Object.entries(changes) as [keyof BatchChanges, unknown][]) {
        values.push(field === "errors" ? JSON.stringify(value) : value);
        assignments.push(`${changeColumns[field]} = $${values.length}`);
      }
      values.push(id, leaseOwner);
      const result = await pool.query(
        `UPDATE batches SET ${[...assignments, "lease_owner = NULL", "lease_until = NULL"].join(", ")}
         WHERE id = $${values.length - 1} AND lease_owner = $${values.length}`,
        values,
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
      const { rows } = await pool.query<LineRow>(claimLinesSql, [leaseOwner, leaseUntil, now, limit]);
      return rows
        .map(toLine)
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
      const { rows } = await pool.query<LineRow>(
        "SELECT * FROM batch_lines WHERE batch_id = $1 AND line_index >= $2 ORDER BY line_index LIMIT $3",
        [batchId, fromIndex, limit],
      );
      return rows.map(toLine);
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
      const { rows } = await pool.query<BatchRow>(
        `SELECT * FROM batches WHERE event_recorded_at IS NULL
           AND status IN ('completed', 'failed', 'expired', 'cancelled')
         ORDER BY created_at LIMIT $1`,
        [limit],
      );
      return rows.map(toBatch);
    },
    async markBatchEventRecorded(id, at) {
      await pool.query("UPDATE batches SET event_recorded_at = $1 WHERE id = $2", [at, id]);
    },
  };
}
