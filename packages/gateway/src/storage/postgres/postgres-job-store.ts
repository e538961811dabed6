import type { Pool } from "pg";
import type { JobRecord, JobStatus, JobStore } from "../storage.ts";
import { inPostgresTransaction, writePostgresUsage } from "./write-postgres-usage.ts";

// Row shape as the pool returns it (its int8 parser turns BIGINT into numbers).
interface JobRow {
  id: string;
  account_id: string;
  key_id: string;
  tag: string | null;
  modality: string;
  model: string;
  endpoint: string;
  status: string;
  input: string;
  webhook_url: string | null;
  idempotency_key: string | null;
  request_hash: string | null;
  upstream: string | null;
  result: string | null;
  result_file: string | null;
  error: string | null;
  cost_nanodollars: number;
  attempts: number;
  next_run_at: number;
  lease_owner: string | null;
  lease_until: number | null;
  created_at: number;
  updated_at: number;
  started_at: number | null;
  completed_at: number | null;
  event_recorded_at: number | null;
}

const parseJson = (value: string | null): unknown => (value === null ? null : (JSON.parse(value) as unknown));
const toJson = (value: unknown): string | null =>
  value === null || value === undefined ? null : JSON.stringify(value);

function toJob(row: JobRow): JobRecord {
  return {
    id: row.id,
    accountId: row.account_id,
    keyId: row.key_id,
    tag: row.tag,
    modality: row.modality,
    model: row.model,
    endpoint: row.endpoint,
    status: row.status as JobStatus,
    input: parseJson(row.input),
    webhookUrl: row.webhook_url,
    idempotencyKey: row.idempotency_key,
    requestHash: row.request_hash,
    upstream: parseJson(row.upstream),
    result: parseJson(row.result),
    resultFile: row.result_file,
    error: parseJson(row.error) as JobRecord["error"],
    costNanodollars: row.cost_nanodollars,
    attempts: row.attempts,
    nextRunAt: row.next_run_at,
    leaseOwner: row.lease_owner,
    leaseUntil: row.lease_until,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    startedAt: row.started_at,
    completedAt: row.completed_at,
    eventRecordedAt: row.event_recorded_at,
  };
}

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
    const { rows } = await pool.query<JobRow>("SELECT * FROM jobs WHERE account_id = $1 AND id = $2", [
      accountId,
      id,
    ]);
    return rows[0] ? toJob(rows[0]) : undefined;
  }

  return {
    async insertJob(job) {
      const { rows } = await pool.query<JobRow>(
        `INSERT INTO jobs (id, account_id, key_id, tag, modality, model, endpoint, status, input, webhook_url,
           idempotency_key, request_hash, upstream, result, result_file, error, cost_nanodollars, attempts,
           next_run_at, lease_owner, lease_until, created_at, updated_at, started_at, completed_at, event_recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
           $22, $23, $24, $25, $26)
         ON CONFLICT DO NOTHING RETURNING id`,
        [
          job.id,
          job.accountId,
          job.keyId,
          job.tag,
          job.modality,
          job.model,
          job.endpoint,
          job.status,
          JSON.stringify(job.input),
          job.webhookUrl,
          job.idempotencyKey,
          job.requestHash,
          toJson(job.upstream),
          toJson(job.result),
          job.resultFile,
          toJson(job.error),
          job.costNanodollars,
          job.attempts,
          job.nextRunAt,
          job.leaseOwner,
          job.leaseUntil,
          job.createdAt,
          job.updatedAt,
          job.startedAt,
          job.completedAt,
          job.eventRecordedAt,
        ],
      );
      if (rows.length > 0) return { job, created: true };
      const existing = await pool.query<JobRow>(
        "SELECT * FROM jobs WHERE account_id = $1 AND idempotency_key = $2",
        [job.accountId, job.idempotencyKey],
      );
      const row = existing.rows[0];
      if (!row) throw new Error(`job ${job.id} was not inserted and has no idempotent twin`);
      return { job: toJob(row), created: false };
    },
    findJob,
    async claimJobs({ now, limit, leaseOwner, leaseUntil }) {
      const { rows } = await pool.query<JobRow>(claimSql, [leaseOwner, leaseUntil, now, limit]);
      return rows.map(toJob).sort((a, b) => a.nextRunAt - b.nextRunAt || (a.id < b.id ? -1 : 1));
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
        [toJson(progress.upstream), progress.nextRunAt, progress.attempts, now, id, leaseOwner],
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
            toJson(outcome.result),
            outcome.resultFile,
            toJson(outcome.error),
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
      const { rows } = await pool.query<JobRow>(
        `SELECT * FROM jobs WHERE event_recorded_at IS NULL AND status IN ('completed', 'failed')
         ORDER BY completed_at LIMIT $1`,
        [limit],
      );
      return rows.map(toJob);
    },
    async markJobEventRecorded(id, at) {
      await pool.query("UPDATE jobs SET event_recorded_at = $1 WHERE id = $2", [at, id]);
    },
  };
}
