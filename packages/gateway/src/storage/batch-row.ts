import type { BatchChanges, BatchLineRecord, BatchLineStatus, BatchRecord, BatchStatus } from "./storage.ts";
import {
  readJson,
  readNullableNumber,
  readNullableText,
  readText,
  writeJson,
  type StoredRow,
  type StoredValue,
} from "./stored-row.ts";

/** The batches table's columns, in insert order; the same on SQLite and PostgreSQL. */
export const batchColumns = [
  "id",
  "account_id",
  "key_id",
  "tag",
  "endpoint",
  "input_file_id",
  "completion_window",
  "metadata",
  "status",
  "errors",
  "output_file_id",
  "error_file_id",
  "total",
  "completed",
  "failed",
  "created_at",
  "in_progress_at",
  "expires_at",
  "finalizing_at",
  "completed_at",
  "failed_at",
  "expired_at",
  "cancelling_at",
  "cancelled_at",
  "lease_owner",
  "lease_until",
  "event_recorded_at",
] as const;

/** A batch's values in `batchColumns` order. */
export function toBatchValues(batch: BatchRecord): StoredValue[] {
  const row: Record<(typeof batchColumns)[number], StoredValue> = {
    id: batch.id,
    account_id: batch.accountId,
    key_id: batch.keyId,
    tag: batch.tag,
    endpoint: batch.endpoint,
    input_file_id: batch.inputFileId,
    completion_window: batch.completionWindow,
    metadata: writeJson(batch.metadata),
    status: batch.status,
    errors: writeJson(batch.errors),
    output_file_id: batch.outputFileId,
    error_file_id: batch.errorFileId,
    total: batch.total,
    completed: batch.completed,
    failed: batch.failed,
    created_at: batch.createdAt,
    in_progress_at: batch.inProgressAt,
    expires_at: batch.expiresAt,
    finalizing_at: batch.finalizingAt,
    completed_at: batch.completedAt,
    failed_at: batch.failedAt,
    expired_at: batch.expiredAt,
    cancelling_at: batch.cancellingAt,
    cancelled_at: batch.cancelledAt,
    lease_owner: batch.leaseOwner,
    lease_until: batch.leaseUntil,
    event_recorded_at: batch.eventRecordedAt,
  };
  return batchColumns.map((column) => row[column]);
}

/** `BatchChanges` as column assignments, JSON fields serialised; the caller adds placeholders. */
export function toBatchChangeColumns(changes: BatchChanges): { columns: string[]; values: StoredValue[] } {
  const columns: string[] = [];
  const values: StoredValue[] = [];
  for (const [field, value] of Object.entries(changes) as [keyof BatchChanges, unknown][]) {
    columns.push(changeColumns[field]);
    values.push(field === "errors" ? JSON.stringify(value) : (value as StoredValue));
  }
  return { columns, values };
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

export function toBatchRecord(row: StoredRow): BatchRecord {
  return {
    id: readText(row.id),
    accountId: readText(row.account_id),
    keyId: readText(row.key_id),
    tag: readNullableText(row.tag),
    endpoint: readText(row.endpoint),
    inputFileId: readText(row.input_file_id),
    completionWindow: readText(row.completion_window),
    metadata: readJson(row.metadata) as BatchRecord["metadata"],
    status: readText(row.status) as BatchStatus,
    errors: readJson(row.errors) as BatchRecord["errors"],
    outputFileId: readNullableText(row.output_file_id),
    errorFileId: readNullableText(row.error_file_id),
    total: Number(row.total),
    completed: Number(row.completed),
    failed: Number(row.failed),
    createdAt: Number(row.created_at),
    inProgressAt: readNullableNumber(row.in_progress_at),
    expiresAt: Number(row.expires_at),
    finalizingAt: readNullableNumber(row.finalizing_at),
    completedAt: readNullableNumber(row.completed_at),
    failedAt: readNullableNumber(row.failed_at),
    expiredAt: readNullableNumber(row.expired_at),
    cancellingAt: readNullableNumber(row.cancelling_at),
    cancelledAt: readNullableNumber(row.cancelled_at),
    leaseOwner: readNullableText(row.lease_owner),
    leaseUntil: readNullableNumber(row.lease_until),
    eventRecordedAt: readNullableNumber(row.event_recorded_at),
  };
}

export function toBatchLineRecord(row: StoredRow): BatchLineRecord {
  return {
    batchId: readText(row.batch_id),
    index: Number(row.line_index),
    customId: readText(row.custom_id),
    body: readText(row.body),
    status: readText(row.status) as BatchLineStatus,
    output: readNullableText(row.output),
    costNanodollars: Number(row.cost_nanodollars),
    leaseOwner: readNullableText(row.lease_owner),
    leaseUntil: readNullableNumber(row.lease_until),
    completedAt: readNullableNumber(row.completed_at),
  };
}
