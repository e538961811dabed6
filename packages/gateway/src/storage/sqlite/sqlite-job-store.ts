import type { DatabaseSync, SQLInputValue } from "node:sqlite";
import type { JobRecord, JobStatus, JobStore } from "../storage.ts";
import { createSqliteUsageWriter } from "./write-sqlite-usage.ts";

type Row = Record<string, SQLInputValue>;

const text = (value: SQLInputValue | undefined): string => (typeof value === "string" ? value : "");
const nullableNumber = (value: SQLInputValue | undefined): number | null =>
  value === null || value === undefined ? null : Number(value);
const nullableString = (value: SQLInputValue | undefined): string | null =>
  typeof value === "string" ? value : null;
const parseJson = (value: SQLInputValue | undefined): unknown =>
  typeof value === "string" ? (JSON.parse(value) as unknown) : null;
const toJson = (value: unknown): string | null =>
  value === null || value === undefined ? null : JSON.stringify(value);

function toJob(row: Row): JobRecord {
  return {
    id: text(row.id),
    accountId: text(row.account_id),
    keyId: text(row.key_id),
    tag: nullableString(row.tag),
    modality: text(row.modality),
    model: text(row.model),
    endpoint: text(row.endpoint),
    status: text(row.status) as JobStatus,
    input: parseJson(row.input),
    webhookUrl: nullableString(row.webhook_url),
    idempotencyKey: nullableString(row.idempotency_key),
    requestHash: nullableString(row.request_hash),
    upstream: parseJson(row.upstream),
    result: parseJson(row.result),
    resultFile: nullableString(row.result_file),
    error: parseJson(row.error) as JobRecord["error"],
    costNanodollars: Number(row.cost_nanodollars),
    attempts: Number(row.attempts),
    nextRunAt: Number(row.next_run_at),
    leaseOwner: nullableString(row.lease_owner),
    leaseUntil: nullableNumber(row.lease_until),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    startedAt: nullableNumber(row.started_at),
    completedAt: nullableNumber(row.completed_at),
    eventRecordedAt: nullableNumber(row.event_recorded_at),
  };
}

/** The job queue on SQLite: one connection, so a claim (UPDATE … RETURNING) is atomic by itself. */
export function createSqliteJobStore(database: DatabaseSync): JobStore {
  const writeUsage = createSqliteUsageWriter(database);
  const statements = {
    insert: database.prepare(
      `INSERT INTO jobs (id, account_id, key_id, tag, modality, model, endpoint, status, input, webhook_url,
         idempotency_key, request_hash, upstream, result, result_file, error, cost_nanodollars, attempts,
         next_run_at, lease_owner, lease_until, created_at, updated_at, started_at, completed_at, event_recorded_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
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

  function inTransaction<T>(work: () => T): T {
    database.exec("BEGIN IMMEDIATE");
    try {
      const value = work();
      database.exec("COMMIT");
      return value;
    } catch (error) {
      database.exec("ROLLBACK");
      throw error;
    }
  }

  return {
    async insertJob(job) {
      const inserted = statements.insert.run(
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
      );
      if (Number(inserted.changes) > 0) return { job, created: true };
      const existing =
        job.idempotencyKey === null ? undefined : statements.findByKey.get(job.accountId, job.idempotencyKey);
      if (!existing) throw new Error(`job ${job.id} was not inserted and has no idempotent twin`);
      return { job: toJob(existing), created: false };
    },
    async findJob(accountId, id) {
      const row = statements.find.get(accountId, id);
      return row ? toJob(row) : undefined;
    },
    async claimJobs({ now, limit, leaseOwner, leaseUntil }) {
      return statements.claim.all(leaseOwner, leaseUntil, now, now, now, now, limit).map(toJob);
    },
    async renewJobLease(id, leaseOwner, leaseUntil) {
      return Number(statements.renew.run(leaseUntil, id, leaseOwner).changes) > 0;
    },
    async saveJobProgress(id, leaseOwner, progress, now) {
      const result = statements.progress.run(
        toJson(progress.upstream),
        progress.nextRunAt,
        progress.attempts,
        now,
        id,
        leaseOwner,
      );
      return Number(result.changes) > 0;
    },
    async finishJob(id, leaseOwner, outcome, usage) {
      return inTransaction(() => {
        const result = statements.finish.run(
          outcome.status,
          toJson(outcome.result),
          outcome.resultFile,
          toJson(outcome.error),
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
      return row ? toJob(row) : undefined;
    },
    async listJobsAwaitingEvent(limit) {
      return statements.awaitingEvent.all(limit).map(toJob);
    },
    async markJobEventRecorded(id, at) {
      statements.markEvent.run(at, id);
    },
  };
}
