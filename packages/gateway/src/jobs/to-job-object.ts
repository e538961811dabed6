import type { JobRecord } from "../storage/storage.ts";
import { toCents } from "../usage/format-money.ts";

const toSeconds = (ms: number | null): number | null => (ms === null ? null : Math.floor(ms / 1000));

/** The public job object; `resultUrl` is a freshly signed URL of the result file, when there is one. */
export function toJobObject(job: JobRecord, resultUrl: string | null): Record<string, unknown> {
  const result =
    job.status === "completed" && typeof job.result === "object" && job.result !== null
      ? { ...(job.result as Record<string, unknown>), ...(resultUrl ? { url: resultUrl } : {}) }
      : null;
  return {
    id: job.id,
    object: "job",
    status: job.status,
    modality: job.modality,
    model: job.model,
    created_at: toSeconds(job.createdAt),
    updated_at: toSeconds(job.updatedAt),
    started_at: toSeconds(job.startedAt),
    completed_at: toSeconds(job.completedAt),
    result_url: job.status === "completed" ? resultUrl : null,
    result,
    error: job.error,
    usage: { cost_cents: toCents(job.costNanodollars) },
  };
}
