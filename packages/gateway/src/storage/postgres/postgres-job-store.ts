import type { Pool } from "pg";
import { jobColumns, toJobRecord, toJobValues } from "../job-row.ts";
import type { JobRecord, JobStore } from "../storage.ts";
import { writeJson, type StoredRow } from "../stored-row.ts";
import { inPostgresTransaction, writePostgresUsage } from "./write-postgres-usage.ts";

const insertJobSql = `INSERT INTO jobs (${jobColumns.join(", ")})
  VALUES (${jobColumns.map((_, index) => `$${index + 1}`).join(", ")})
  ON CONFLICT DO NOTHING RETURNING id`;

// SKIP LOCKED: replicas claiming at once each take different rows instead of queueing on one lock.
const claimSql = `
  UPDATE jobs SET lease_owner = $1, lease_until = $2, status = 'running',
    started_at = COALESCE(started_at, $3), updated_at = $3
  WHERE id IN (
    SELECT id FROM jobs
    WHERE status IN ('queued', 'running') AND next_run_at <= $3 AND (lease_until IS NULL OR lease_until <= $3)
    ORDER BY next_run_at, id
    LIMIT $4
    FOR UPDATE SKIP LOCKED
  )
  RETURNING *`;

/** The job queue on PostgreSQL, shared by replicas. */
export function createPostgresJobStore(pool: Pool): JobStore {
  async function findJob(accountId: string, id: string): Promise<JobRecord | undefined> {
    const { rows } = await pool.query<StoredRow>("SELECT * FROM jobs WHERE account_id = $1 AND id = $2", [
      accountId,
      id,
    ]);
    return rows[0] ? toJobRecord(rows[0]) : undefined;
  }

  return {
    async insertJob(job) {
      const { rows } = await pool.query(insertJobSql, toJobValues(job));
      if (rows.length > 0) return { job, created: true };
      const existing = await pool.query<StoredRow>(
        "SELECT * FROM jobs WHERE account_id = $1 AND idempotency_key = $2",
        [job.accountId, job.idempotencyKey],
      );
      const row = existing.rows[0];
      if (!row) throw new Error(`job ${job.id} was not inserted and has no idempotent twin`);
      return { job: toJobRecord(row), created: false };
    },
    findJob,
    async claimJobs({ now, limit, leaseOwner, leaseUntil }) {
      const { rows } = await pool.query<StoredRow>(claimSql, [leaseOwner, leaseUntil, now, limit]);
      return rows.map(toJobRecord).sort((a, b) => a.nextRunAt - b.nextRunAt || (a.id < b.id ? -1 : 1));
    },
    async renewJobLease(id, leaseOwner, leaseUntil) {
      const result = await pool.query(
        "UPDATE jobs SET lease_until = $1 WHERE id = $2 AND lease_owner = $3 AND status = 'running'",
        [leaseUntil, id, leaseOwner],
      );
      return (result.rowCount ?? 0) > 0;
    },
    async saveJobProgress(id, leaseOwner, progress, now) {
      const result = await pool.query(
        `UPDATE jobs SET upstream = $1, next_run_at = $2, attempts = $3, lease_owner = NULL, lease_until = NULL,
           updated_at = $4
         WHERE id = $5 AND lease_owner = $6 AND status = 'running'`,
        [writeJson(progress.upstream), progress.nextRunAt, progress.attempts, now, id, leaseOwner],
      );
      return (result.rowCount ?? 0) > 0;
    },
    async finishJob(id, leaseOwner, outcome, usage) {
      return inPostgresTransaction(pool, async (client) => {
        const result = await client.query(
          `UPDATE jobs SET status = $1, result = $2, result_file = $3, error = $4, cost_nanodollars = $5,
             completed_at = $6, updated_at = $6, lease_owner = NULL, lease_until = NULL
           WHERE id = $7 AND lease_owner = $8 AND status = 'running'`,
          [
            outcome.status,
            writeJson(outcome.result),
            outcome.resultFile,
            writeJson(outcome.error),
            outcome.costNanodollars,
            outcome.completedAt,
            id,
            leaseOwner,
          ],
        );
        if ((result.rowCount ?? 0) === 0) return false;
        if (usage) await writePostgresUsage(client, [usage]);
        return true;
      });
    },
    async cancelJob(accountId, id, now) {
      await pool.query(
        `UPDATE jobs SET status = 'cancelled', completed_at = $1, updated_at = $1, lease_owner = NULL,
           lease_until = NULL
         WHERE account_id = $2 AND id = $3 AND status IN ('queued', 'running')`,
        [now, accountId, id],
      );
      return findJob(accountId, id);
    },
    async listJobsAwaitingEvent(limit) {
      const { rows } = await pool.query<StoredRow>(
        `SELECT * FROM jobs WHERE event_recorded_at IS NULL AND status IN ('completed', 'failed')
         ORDER BY completed_at LIMIT $1`,
        [limit],
      );
      return rows.map(toJobRecord);
    },
    async markJobEventRecorded(id, at) {
      await pool.query("UPDATE jobs SET event_recorded_at = $1 WHERE id = $2", [at, id]);
    },
  };
}
