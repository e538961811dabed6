import type { Pool } from "pg";
import { toFileRecord, toJobFileRecord } from "../file-row.ts";
import type { FileListQuery, FileStore } from "../storage.ts";
import type { StoredRow } from "../stored-row.ts";

interface SigningKeyRow {
  id: string;
  secret: string;
  created_at: number;
}

/** File, job-file and signing-key metadata shared by replicas. */
export function createPostgresFileStore(pool: Pool): FileStore {
  return {
    async insertFile(file) {
      await pool.query(
        `INSERT INTO files (id, account_id, filename, purpose, bytes, blob_key, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          file.id,
          file.accountId,
          file.filename,
          file.purpose,
          file.bytes,
          file.blobKey,
          file.createdAt,
          file.expiresAt,
        ],
      );
    },
    async findFile(accountId, id) {
      const { rows } = await pool.query<StoredRow>("SELECT * FROM files WHERE account_id = $1 AND id = $2", [
        accountId,
        id,
      ]);
      return rows[0] ? toFileRecord(rows[0]) : undefined;
    },
    async listFiles(accountId: string, query: FileListQuery) {
      const direction = query.order === "asc" ? "ASC" : "DESC";
      const comparison = query.order === "asc" ? ">" : "<";
      const conditions = ["account_id = $1"];
      const values: unknown[] = [accountId];
      if (query.purpose !== undefined) {
        values.push(query.purpose);
        conditions.push(`purpose = $${values.length}`);
      }
      if (query.after) {
        values.push(query.after.createdAt, query.after.id);
        const createdAt = `$${values.length - 1}`;
        const id = `$${values.length}`;
        conditions.push(
          `(created_at ${comparison} ${createdAt} OR (created_at = ${createdAt} AND id ${comparison} ${id}))`,
        );
      }
      values.push(query.limit);
      const { rows } = await pool.query<StoredRow>(
        `SELECT * FROM files WHERE ${conditions.join(" AND ")}
         ORDER BY created_at ${direction}, id ${direction} LIMIT $${values.length}`,
        values,
      );
      return rows.map(toFileRecord);
    },
    async deleteFile(accountId, id) {
      const result = await pool.query("DELETE FROM files WHERE account_id = $1 AND id = $2", [accountId, id]);
      return (result.rowCount ?? 0) > 0;
    },
    async listExpiredFiles(now, limit) {
      const { rows } = await pool.query<StoredRow>(
        "SELECT * FROM files WHERE expires_at IS NOT NULL AND expires_at <= $1 ORDER BY expires_at LIMIT $2",
        [now, limit],
      );
      return rows.map(toFileRecord);
    },
    async upsertJobFile(file) {
      await pool.query(
        `INSERT INTO job_files (account_id, job_id, filename, blob_key, bytes, content_type, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (account_id, job_id, filename) DO UPDATE SET
           blob_key = excluded.blob_key, bytes = excluded.bytes, content_type = excluded.content_type,
           created_at = excluded.created_at, expires_at = excluded.expires_at`,
        [
          file.accountId,
          file.jobId,
          file.filename,
          file.blobKey,
          file.bytes,
          file.contentType,
          file.createdAt,
          file.expiresAt,
        ],
      );
    },
    async findJobFile(accountId, jobId, filename) {
      const { rows } = await pool.query<StoredRow>(
        "SELECT * FROM job_files WHERE account_id = $1 AND job_id = $2 AND filename = $3",
        [accountId, jobId, filename],
      );
      return rows[0] ? toJobFileRecord(rows[0]) : undefined;
    },
    async findJobFilesByPath(jobId, filename) {
      const { rows } = await pool.query<StoredRow>(
        "SELECT * FROM job_files WHERE job_id = $1 AND filename = $2",
        [jobId, filename],
      );
      return rows.map(toJobFileRecord);
    },
    async deleteJobFile(accountId, jobId, filename) {
      const result = await pool.query(
        "DELETE FROM job_files WHERE account_id = $1 AND job_id = $2 AND filename = $3",
        [accountId, jobId, filename],
      );
      return (result.rowCount ?? 0) > 0;
    },
    async listExpiredJobFiles(now, limit) {
      const { rows } = await pool.query<StoredRow>(
        "SELECT * FROM job_files WHERE expires_at IS NOT NULL AND expires_at <= $1 ORDER BY expires_at LIMIT $2",
        [now, limit],
      );
      return rows.map(toJobFileRecord);
    },
    async ensureSigningKey(candidate) {
      // Replicas starting together on a fresh database race here; the primary key lets one win and
      // every replica then reads the winner.
      await pool.query(
        "INSERT INTO signing_keys (id, secret, created_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING",
        [candidate.id, candidate.secret, candidate.createdAt],
      );
      const { rows } = await pool.query<SigningKeyRow>("SELECT * FROM signing_keys WHERE id = $1", [
        candidate.id,
      ]);
      const row = rows[0];
      if (!row) throw new Error("signing key was not stored");
      return { id: row.id, secret: row.secret, createdAt: row.created_at };
    },
  };
}
