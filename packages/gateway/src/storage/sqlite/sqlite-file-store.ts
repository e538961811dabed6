import type { DatabaseSync, SQLInputValue } from "node:sqlite";
import { toFileRecord, toJobFileRecord } from "../file-row.ts";
import type { FileListQuery, FileStore, SigningKeyRecord } from "../storage.ts";
import { readText } from "../stored-row.ts";

/** File, job-file and signing-key metadata on the embedded database. */
export function createSqliteFileStore(database: DatabaseSync): FileStore {
  const statements = {
    insertFile: database.prepare(
      `INSERT INTO files (id, account_id, filename, purpose, bytes, blob_key, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    findFile: database.prepare("SELECT * FROM files WHERE account_id = ? AND id = ?"),
    deleteFile: database.prepare("DELETE FROM files WHERE account_id = ? AND id = ?"),
    expiredFiles: database.prepare(
      "SELECT * FROM files WHERE expires_at IS NOT NULL AND expires_at <= ? ORDER BY expires_at LIMIT ?",
    ),
    upsertJobFile: database.prepare(
      `INSERT INTO job_files (account_id, job_id, filename, blob_key, bytes, content_type, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (account_id, job_id, filename) DO UPDATE SET
         blob_key = excluded.blob_key, bytes = excluded.bytes, content_type = excluded.content_type,
         created_at = excluded.created_at, expires_at = excluded.expires_at`,
    ),
    findJobFile: database.prepare(
      "SELECT * FROM job_files WHERE account_id = ? AND job_id = ? AND filename = ?",
    ),
    findJobFilesByPath: database.prepare("SELECT * FROM job_files WHERE job_id = ? AND filename = ?"),
    deleteJobFile: database.prepare(
      "DELETE FROM job_files WHERE account_id = ? AND job_id = ? AND filename = ?",
    ),
    expiredJobFiles: database.prepare(
      "SELECT * FROM job_files WHERE expires_at IS NOT NULL AND expires_at <= ? ORDER BY expires_at LIMIT ?",
    ),
    insertSigningKey: database.prepare(
      "INSERT INTO signing_keys (id, secret, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
    ),
    findSigningKey: database.prepare("SELECT * FROM signing_keys WHERE id = ?"),
  };

  return {
    async insertFile(file) {
      statements.insertFile.run(
        file.id,
        file.accountId,
        file.filename,
        file.purpose,
        file.bytes,
        file.blobKey,
        file.createdAt,
        file.expiresAt,
      );
    },
    async findFile(accountId, id) {
      const row = statements.findFile.get(accountId, id);
      return row ? toFileRecord(row) : undefined;
    },
    async listFiles(accountId: string, query: FileListQuery) {
      // Built per call: four shapes (purpose or not, cursor or not) times two orders.
      const direction = query.order === "asc" ? "ASC" : "DESC";
      const comparison = query.order === "asc" ? ">" : "<";
      const conditions = ["account_id = ?"];
      const values: SQLInputValue[] = [accountId];
      if (query.purpose !== undefined) {
        conditions.push("purpose = ?");
        values.push(query.purpose);
      }
      if (query.after) {
        conditions.push(`(created_at ${comparison} ? OR (created_at = ? AND id ${comparison} ?))`);
        values.push(query.after.createdAt, query.after.createdAt, query.after.id);
      }
      values.push(query.limit);
      return database
        .prepare(
          `SELECT * FROM files WHERE ${conditions.join(" AND ")}
           ORDER BY created_at ${direction}, id ${direction} LIMIT ?`,
        )
        .all(...values)
        .map(toFileRecord);
    },
    async deleteFile(accountId, id) {
      return Number(statements.deleteFile.run(accountId, id).changes) > 0;
    },
    async listExpiredFiles(now, limit) {
      return statements.expiredFiles.all(now, limit).map(toFileRecord);
    },
    async upsertJobFile(file) {
      statements.upsertJobFile.run(
        file.accountId,
        file.jobId,
        file.filename,
        file.blobKey,
        file.bytes,
        file.contentType,
        file.createdAt,
        file.expiresAt,
      );
    },
    async findJobFile(accountId, jobId, filename) {
      const row = statements.findJobFile.get(accountId, jobId, filename);
      return row ? toJobFileRecord(row) : undefined;
    },
    async findJobFilesByPath(jobId, filename) {
      return statements.findJobFilesByPath.all(jobId, filename).map(toJobFileRecord);
    },
    async deleteJobFile(accountId, jobId, filename) {
      return Number(statements.deleteJobFile.run(accountId, jobId, filename).changes) > 0;
    },
    async listExpiredJobFiles(now, limit) {
      return statements.expiredJobFiles.all(now, limit).map(toJobFileRecord);
    },
    async ensureSigningKey(candidate: SigningKeyRecord) {
      statements.insertSigningKey.run(candidate.id, candidate.secret, candidate.createdAt);
      const row = statements.findSigningKey.get(candidate.id);
      if (!row) throw new Error("signing key was not stored");
      return { id: readText(row.id), secret: readText(row.secret), createdAt: Number(row.created_at) };
    },
  };
}
