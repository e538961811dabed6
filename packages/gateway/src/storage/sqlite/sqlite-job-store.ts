import type { DatabaseSync } from "node:sqlite";
import { jobColumns, toJobRecord, toJobValues } from "../job-row.ts";
import type { JobStore } from "../storage.ts";
import { writeJson } from "../stored-row.ts";
import { createSqliteUsageWriter } from "./write-sqlite-usage.ts";
import { inSqliteTransaction } from "./in-sqlite-transaction.ts";

/** The job queue on SQLite: one connection, so a claim (UPDATE … RETURNING) is atomic by itself. */
export function createSqliteJobStore(database: DatabaseSync): JobStore {
  const writeUsage = createSqliteUsageWriter(database);
  const statements = {
    insert: database.prepare(
      `INSERT INTO jobs (${jobColumns.join(", ")}) VALUES (${jobColumns.map(() => "?").join(", ")})
       ON CONFLICT DO NOTHING`,
    ),
    find: database.prepare("SELECT * FROM jobs WHERE account_id = ? AND id = ?"),
    findByKey: database.prepare("SELECT * FROM jobs WHERE account_id = ? AND idempotency_key = ?"),
    claim: database.prepare(
      `UPDATE jobs SET lease_owner = ?, lease_until = ?, status = 'running',
         started_at = COALESCE(started_at, ?), updated_at = ?
       WHERE id IN (
         SELECT id FROM jobs
         WHERE status IN ('queued', 'running') AND next_run_at <= ? AND (lease_until IS NULL OR lease_until <= ?)
         ORDER BY next_run_at, id LIMIT ?
       )
       RETURNING *`,
    ),
    renew: database.prepare(
      "UPDATE jobs SET lease_until = ? WHERE id = ? AND lease_owner = ? AND status = 'running'",
    ),
    progress: database.prepare(
      `UPDATE jobs SET upstream = ?, next_run_at = ?, attempts = ?, lease_owner = NULL, lease_until = NULL,
         updated_at = ?
       WHERE id = ? AND lease_owner = ? AND status = 'running'`,
    ),
    finish: database.prepare(
      `UPDATE jobs SET status = ?, result = ?, result_file = ?, error = ?, cost_nanodollars = ?, completed_at = ?,
         updated_at = ?, lease_owner = NULL, lease_until = NULL
       WHERE id = ? AND lease_owner = ? AND status = 'running'`,
    ),
    cancel: database.prepare(
      `UPDATE jobs SET status = 'cancelled', completed_at = ?, updated_at = ?, lease_owner = NULL, lease_until = NULL
       WHERE account_id = ? AND id = ? AND status IN ('queued', 'running')`,
    ),
    awaitingEvent: database.prepare(
      `SELECT * FROM jobs WHERE event_recorded_at IS NULL AND status IN ('completed', 'failed')
       ORDER BY completed_at LIMIT ?`,
    ),
    markEvent: database.prepare("UPDATE jobs SET event_recorded_at = ? WHERE id = ?"),
  };

  return {
    async insertJob(job) {
      const inserted = statements.insert.run(...toJobValues(job));
      if (Number(inserted.changes) > 0) return { job, created: true };
      const existing =
        job.idempotencyKey === null ? undefined : statements.findByKey.get(job.accountId, job.idempotencyKey);
      if (!existing) throw new Error(`job ${job.id} was not inserted and has no idempotent twin`);
      return { job: toJobRecord(existing), created: false };
    },
    async findJob(accountId, id) {
      const row = statements.find.get(accountId, id);
      return row ? toJobRecord(row) : undefined;
    },
    async claimJobs({ now, limit, leaseOwner, leaseUntil }) {
      return statements.claim.all(leaseOwner, leaseUntil, now, now, now, now, limit).map(toJobRecord);
    },
    async renewJobLease(id, leaseOwner, leaseUntil) {
      return Number(statements.renew.run(leaseUntil, id, leaseOwner).changes) > 0;
    },
    async saveJobProgress(id, leaseOwner, progress, now) {
      const result = statements.progress.run(
        writeJson(progress.upstream),
        progress.nextRunAt,
        progress.attempts,
        now,
        id,
        leaseOwner,
      );
      return Number(result.changes) > 0;
    },
    async finishJob(id, leaseOwner, outcome, usage) {
      return inSqliteTransaction(database, () => {
        const result = statements.finish.run(
          outcome.status,
          writeJson(outcome.result),
          outcome.resultFile,
          writeJson(outcome.error),
          outcome.costNanodollars,
          outcome.completedAt,
          outcome.completedAt,
          id,
          leaseOwner,
        );
        if (Number(result.changes) === 0) return false;
        if (usage) writeUsage([usage]);
        return true;
      });
    },
    async cancelJob(accountId, id, now) {
      statements.cancel.run(now, now, accountId, id);
      const row = statements.find.get(accountId, id);
      return row ? toJobRecord(row) : undefined;
    },
    async listJobsAwaitingEvent(limit) {
      return statements.awaitingEvent.all(limit).map(toJobRecord);
    },
    async markJobEventRecorded(id, at) {
      statements.markEvent.run(at, id);
    },
  };
}
