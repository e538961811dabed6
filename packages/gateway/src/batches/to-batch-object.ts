import type { BatchRecord } from "../storage/storage.ts";

const toSeconds = (ms: number | null): number | null => (ms === null ? null : Math.floor(ms / 1000));

/** OpenAI's Batch object, field for field. */
export function toBatchObject(batch: BatchRecord): Record<string, unknown> {
  return {
    id: batch.id,
    object: "batch",
    endpoint: batch.endpoint,
    errors: batch.errors === null ? null : { object: "list", data: batch.errors },
    input_file_id: batch.inputFileId,
    completion_window: batch.completionWindow,
    status: batch.status,
    output_file_id: batch.outputFileId,
    error_file_id: batch.errorFileId,
    created_at: toSeconds(batch.createdAt),
    in_progress_at: toSeconds(batch.inProgressAt),
    expires_at: toSeconds(batch.expiresAt),
    finalizing_at: toSeconds(batch.finalizingAt),
    completed_at: toSeconds(batch.completedAt),
    failed_at: toSeconds(batch.failedAt),
    expired_at: toSeconds(batch.expiredAt),
    cancelling_at: toSeconds(batch.cancellingAt),
    cancelled_at: toSeconds(batch.cancelledAt),
    request_counts: { total: batch.total, completed: batch.completed, failed: batch.failed },
    metadata: batch.metadata,
  };
}
