import type { FileRecord, JobFileRecord } from "./storage.ts";
import { readNullableNumber, readText, type StoredRow } from "./stored-row.ts";

export function toFileRecord(row: StoredRow): FileRecord {
  return {
    id: readText(row.id),
    accountId: readText(row.account_id),
    filename: readText(row.filename),
    purpose: readText(row.purpose),
    bytes: Number(row.bytes),
    blobKey: readText(row.blob_key),
    createdAt: Number(row.created_at),
    expiresAt: readNullableNumber(row.expires_at),
  };
}

export function toJobFileRecord(row: StoredRow): JobFileRecord {
  return {
    accountId: readText(row.account_id),
    jobId: readText(row.job_id),
    filename: readText(row.filename),
    blobKey: readText(row.blob_key),
    bytes: Number(row.bytes),
    contentType: readText(row.content_type),
    createdAt: Number(row.created_at),
    expiresAt: readNullableNumber(row.expires_at),
  };
}
