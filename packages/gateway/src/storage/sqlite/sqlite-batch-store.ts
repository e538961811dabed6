import type { DatabaseSync } from "node:sqlite";
import {
  batchColumns,
  toBatchChangeColumns,
  toBatchLineRecord,
  toBatchRecord,
  toBatchValues,
} from "../batch-row.ts";
import type { BatchStore } from "../storage.ts";
import { createSqliteUsageWriter } from "./write-sqlite-usage.ts";
import { inSqliteTransaction } from "./in-sqlite-transaction.ts";

/** Batches needing a worker: to validate, to finish (no pending line left), to cancel, or past expiry. */
const claimableCondition = `
  (status IN ('validating', 'finalizing', 'cancelling')
    OR (status = 'in_progress' AND (expires_at <= ? OR NOT EXISTS (
      SELECT 1 FROM batch_lines WHERE batch_lines.batch_id = batches.id AND batch_lines.status = 'pending'))))
  AND (lease_until IS NULL OR lease_until <= ?)`;

export function createSqliteBatchStore(database: DatabaseSync): BatchStore {
  const writeUsage = createSqliteUsageWriter(database);
  const statements = {
    insert: database.prepare(
      `INSERT INTO batches (${batchColumns.join(", ")}) VALUES (${batchColumns.map(() => "?").join(", ")})`,
    ),
    find: database.prepare("SELECT * FROM batches WHERE account_id = ? AND id = ?"),
    findById: database.prepare("SELECT * FROM batches WHERE id = ?"),
    list: database.prepare(
      "SELECT * FROM batches WHERE account_id = ? ORDER BY created_at DESC, id DESC LIMIT ?",
    ),
    listAfter: database.prepare(
      `SELECT * FROM batches WHERE account_id = ? AND (created_at < ? OR (created_at = ? AND id < ?))
       ORDER BY created_at DESC, id DESC LIMIT ?`,
    ),
    claim: database.prepare(
      `UPDATE batches SET lease_owner = ?, lease_until = ?
       WHERE id IN (SELECT id FROM batches WHERE ${claimableCondition} ORDER BY created_at, id LIMIT ?)
       RETURNING *`,
    ),
    start: database.prepare(
      `UPDATE batches SET status = 'in_progress', in_progress_at = ?, total = ?, lease_owner = NULL, lease_until = NULL
       WHERE id = ? AND lease_owner = ? AND status = 'validating'`,
    ),
    insertLine: database.prepare(
      `INSERT INTO batch_lines (batch_id, line_index, custom_id, body, status, output, cost_nanodollars)
       VALUES (?, ?, ?, ?, 'pending', NULL, 0) ON CONFLICT DO NOTHING`,
    ),
    claimLines: database.prepare(
      `UPDATE batch_lines SET lease_owner = ?, lease_until = ?
       WHERE rowid IN (
         SELECT line.rowid FROM batch_lines AS line JOIN batches AS batch ON batch.id = line.batch_id
         WHERE line.status = 'pending' AND batch.status = 'in_progress' AND batch.expires_at > ?
           AND (line.lease_until IS NULL OR line.lease_until <= ?)
         ORDER BY batch.created_at, line.batch_id, line.line_index LIMIT ?
       )
       RETURNING *`,
    ),
    finishLine: database.prepare(
      `UPDATE batch_lines SET status = ?, output = ?, cost_nanodollars = ?, completed_at = ?, lease_owner = NULL,
         lease_until = NULL
       WHERE batch_id = ? AND line_index = ? AND lease_owner = ? AND status = 'pending'`,
    ),
    countFinished: database.prepare(
      "UPDATE batches SET completed = completed + ?, failed = failed + ? WHERE id = ?",
    ),
    renewLine: database.prepare(
      `UPDATE batch_lines SET lease_until = ?
       WHERE batch_id = ? AND line_index = ? AND lease_owner = ? AND status = 'pending'`,
    ),
    releaseLine: database.prepare(
      `UPDATE batch_lines SET lease_owner = NULL, lease_until = NULL
       WHERE batch_id = ? AND line_index = ? AND lease_owner = ?`,
    ),
    countLeased: database.prepare(
      `SELECT COUNT(*) AS count FROM batch_lines
       WHERE batch_id = ? AND status = 'pending' AND lease_until IS NOT NULL AND lease_until > ?`,
    ),
    countPending: database.prepare(
      "SELECT COUNT(*) AS count FROM batch_lines WHERE batch_id = ? AND status = 'pending'",
    ),
    listLines: database.prepare(
      "SELECT * FROM batch_lines WHERE batch_id = ? AND line_index >= ? ORDER BY line_index LIMIT ?",
    ),
    cancel: database.prepare(
      `UPDATE batches SET status = 'cancelling', cancelling_at = ?
       WHERE account_id = ? AND id = ? AND status IN ('validating', 'in_progress')`,
    ),
    awaitingEvent: database.prepare(
      `SELECT * FROM batches WHERE event_recorded_at IS NULL
         AND status IN ('completed', 'failed', 'expired', 'cancelled')
       ORDER BY created_at LIMIT ?`,
    ),
    markEvent: database.prepare("UPDATE batches SET event_recorded_at = ? WHERE id = ?"),
  };

  return {
    async insertBatch(batch) {
      statements.insert.run(...toBatchValues(batch));
    },
    async findBatch(accountId, id) {
      const row = statements.find.get(accountId, id);
      return row ? toBatchRecord(row) : undefined;
    },
    async findBatchById(id) {
      const row = statements.findById.get(id);
      return row ? toBatchRecord(row) : undefined;
    },
    async listBatches(accountId, query) {
      const rows = query.after
        ? statements.listAfter.all(
            accountId,
            query.after.createdAt,
            query.after.createdAt,
            query.after.id,
            query.limit,
          )
        : statements.list.all(accountId, query.limit);
      return rows.map(toBatchRecord);
    },
    async claimBatches({ now, limit, leaseOwner, leaseUntil }) {
      return statements.claim.all(leaseOwner, leaseUntil, now, now, limit).map(toBatchRecord);
    },
    async updateBatch(id, leaseOwner, changes) {
      const { columns, values } = toBatchChangeColumns(changes);
      const assignments = columns.map((column) => `${column} = ?`);
      const result = database
        .prepare(
          `UPDATE batches SET ${[...assignments, "lease_owner = NULL", "lease_until = NULL"].join(", ")}
           WHERE id = ? AND lease_owner = ?`,
        )
        .run(...values, id, leaseOwner);
      return Number(result.changes) > 0;
    },
    async startBatch(id, leaseOwner, lines, now) {
      return inSqliteTransaction(database, () => {
        const result = statements.start.run(now, lines.length, id, leaseOwner);
        if (Number(result.changes) === 0) return false;
        for (const line of lines) statements.insertLine.run(id, line.index, line.customId, line.body);
        return true;
      });
    },
    async claimBatchLines({ now, limit, leaseOwner, leaseUntil }) {
      return statements.claimLines.all(leaseOwner, leaseUntil, now, now, limit).map(toBatchLineRecord);
    },
    async finishBatchLine(batchId, index, leaseOwner, outcome, usage) {
      return inSqliteTransaction(database, () => {
        const result = statements.finishLine.run(
          outcome.status,
          outcome.output,
          outcome.costNanodollars,
          outcome.completedAt,
          batchId,
          index,
          leaseOwner,
        );
        if (Number(result.changes) === 0) return false;
        statements.countFinished.run(
          outcome.status === "succeeded" ? 1 : 0,
          outcome.status === "failed" ? 1 : 0,
          batchId,
        );
        if (usage.length > 0) writeUsage(usage);
        return true;
      });
    },
    async renewBatchLineLease(batchId, index, leaseOwner, leaseUntil) {
      return Number(statements.renewLine.run(leaseUntil, batchId, index, leaseOwner).changes) > 0;
    },
    async releaseBatchLine(batchId, index, leaseOwner) {
      statements.releaseLine.run(batchId, index, leaseOwner);
    },
    async countLeasedLines(batchId, now) {
      return Number(statements.countLeased.get(batchId, now)?.count ?? 0);
    },
    async countPendingLines(batchId) {
      return Number(statements.countPending.get(batchId)?.count ?? 0);
    },
    async listBatchLines(batchId, fromIndex, limit) {
      return statements.listLines.all(batchId, fromIndex, limit).map(toBatchLineRecord);
    },
    async cancelBatch(accountId, id, now) {
      statements.cancel.run(now, accountId, id);
      const row = statements.find.get(accountId, id);
      return row ? toBatchRecord(row) : undefined;
    },
    async listBatchesAwaitingEvent(limit) {
      return statements.awaitingEvent.all(limit).map(toBatchRecord);
    },
    async markBatchEventRecorded(id, at) {
      statements.markEvent.run(at, id);
    },
  };
}
