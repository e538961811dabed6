import { createHash } from "node:crypto";
import { GatewayError } from "@aigateway/protocol";
import { generateId } from "../accounts/api-key-format.ts";
import type { SpendGuard } from "../accounts/spend-guard.ts";
import type { Catalog } from "../catalog/catalog.ts";
import type { RequestContext } from "../chat/request-context.ts";
import type { FileService } from "../files/file-service.ts";
import type { ProviderConfig } from "../providers/provider-adapter.ts";
import type { JobRecord, JobStore } from "../storage/storage.ts";
import type { WebhookService } from "../webhooks/webhook-service.ts";
import type { JobAdapter, JobInput, JobModality } from "./job-adapter.ts";
import { computeJobCostNanodollars } from "./compute-job-cost.ts";
import { findDefaultJobModel, resolveJobRoute } from "./resolve-job-route.ts";
import { toJobObject } from "./to-job-object.ts";
import type { JobHttpClient } from "./job-http-client.ts";

/** What the worker keeps in `JobRecord.input`: the validated body and where to point result URLs. */
export interface StoredJobInput {
  request: JobInput;
  /** Origin of the submit request, for signed URLs in webhook payloads (AIG_PUBLIC_BASE_URL wins). */
  origin: string;
}

export interface JobSubmission {
  endpoint: string;
  modality: JobModality;
  model: string | undefined;
  input: JobInput;
  webhookUrl: string | undefined;
  idempotencyKey: string | undefined;
  /** The body as sent, to tell a retry (same key, same body) from a reused key. */
  rawBody: unknown;
  origin: string;
}

export interface JobService {
  submit(context: RequestContext, submission: JobSubmission): Promise<{ job: JobRecord; created: boolean }>;
  get(accountId: string, id: string): Promise<JobRecord>;
  /** Cancels a queued or running job (nothing is charged); a finished one is a 409. */
  cancel(accountId: string, id: string): Promise<JobRecord>;
  /** The public job object with a freshly signed result URL (24 h). */
  render(job: JobRecord, origin: string): Promise<Record<string, unknown>>;
  /** Wakes the worker of this process (a job was just queued). */
  wake(): void;
}

export interface JobServiceOptions {
  store: JobStore;
  catalog: Catalog;
  adapters: ReadonlyMap<string, JobAdapter>;
  providers: readonly ProviderConfig[];
  files: FileService;
  webhooks: WebhookService;
  spendGuard: SpendGuard;
  http: JobHttpClient;
  publicBaseUrl: string | undefined;
  now: () => number;
  wake: () => void;
  log: (message: string, details?: Record<string, unknown>) => void;
}

export const resultUrlSeconds = 24 * 60 * 60;

/** How long a job may run before it is failed; models take minutes, an upstream stuck for a day is lost. */
export const jobDeadlineMs = 24 * 60 * 60 * 1000;

const defaultBilledSeconds: Record<JobModality, number> = { video: 8, music: 30, "3d": 0, stt: 0 };

function hashBody(endpoint: string, body: unknown): string {
  return createHash("sha256").update(endpoint).update("\n").update(JSON.stringify(body)).digest("hex");
}

const notFound = (id: string): GatewayError =>
  new GatewayError("not_found", { param: "id", message: `No such job: '${id}'.` });

export function createJobService(options: JobServiceOptions): JobService {
  const { store, catalog, adapters, providers, files, spendGuard, now } = options;

  async function get(accountId: string, id: string): Promise<JobRecord> {
    const job = await store.findJob(accountId, id);
    if (!job) throw notFound(id);
    return job;
  }

  return {
    async submit(context, submission) {
      const modelId =
        submission.model === undefined || submission.model === `auto/${submission.modality}`
          ? findDefaultJobModel(catalog, adapters, providers, submission.modality)
          : submission.model;
      if (modelId === undefined) {
        throw new GatewayError("service_unavailable", {
          param: "model",
          message: `No ${submission.modality} model is available: configure a provider that serves one (GET /v1/models?modality=${submission.modality}).`,
        });
      }
      const resolved = resolveJobRoute(catalog, adapters, providers, modelId, submission.modality);
      // Input the upstream cannot take is a 400 now rather than a failed job later.
      resolved.adapter.toSubmitRequest(resolved.config, submission.input, {
        slug: resolved.model.id,
        upstreamModel: resolved.route.upstreamId,
        modality: submission.modality,
      });
      const requestHash = hashBody(submission.endpoint, submission.rawBody);
      if (context.profile) {
        // A cap with no room refuses the job now (402), before anything is queued; the worker reserves
        // the real estimate when it submits upstream.
        const estimate = computeJobCostNanodollars(
          resolved.route.price,
          submission.input.duration ?? defaultBilledSeconds[submission.modality],
        );
        const admission = await spendGuard.admit(context.profile, context.tag, resolved.model.id, estimate);
        admission.settle(0);
      }
      const at = now();
      const stored: StoredJobInput = { request: submission.input, origin: submission.origin };
      const job: JobRecord = {
        id: generateId("job_"),
        accountId: context.accountId,
        keyId: context.keyId,
        tag: context.tag,
        modality: submission.modality,
        model: resolved.model.id,
        endpoint: submission.endpoint,
        status: "queued",
        input: stored,
        webhookUrl: submission.webhookUrl ?? null,
        idempotencyKey: submission.idempotencyKey ?? null,
        requestHash,
        upstream: null,
        result: null,
        resultFile: null,
        error: null,
        costNanodollars: 0,
        attempts: 0,
        nextRunAt: at,
        leaseOwner: null,
        leaseUntil: null,
        createdAt: at,
        updatedAt: at,
        startedAt: null,
        completedAt: null,
        eventRecordedAt: null,
      };
      const outcome = await store.insertJob(job);
      if (!outcome.created && outcome.job.requestHash !== requestHash) {
        throw new GatewayError("conflict", {
          message: `Idempotency-Key '${submission.idempotencyKey ?? ""}' was already used with a different request body (job ${outcome.job.id}).`,
        });
      }
      if (outcome.created) options.wake();
      return outcome;
    },
    get,
    async cancel(accountId, id) {
      const before = await get(accountId, id);
      if (before.status === "completed" || before.status === "failed") {
        throw new GatewayError("conflict", {
          message: `Job '${id}' already ${before.status}; only queued or running jobs can be cancelled.`,
        });
      }
      const job = await store.cancelJob(accountId, id, now());
      if (!job) throw notFound(id);
      if (job.status !== "cancelled") {
        throw new GatewayError("conflict", { message: `Job '${id}' already ${job.status}.` });
      }
      if (before.status === "running") void cancelUpstream(job);
      return job;
    },
    async render(job, origin) {
      let resultUrl: string | null = null;
      if (job.status === "completed" && job.resultFile) {
        try {
          const signed = await files.signJobResultPath(
            job.accountId,
            job.id,
            job.resultFile,
            resultUrlSeconds,
          );
          resultUrl = `${options.publicBaseUrl ?? origin}${signed.path}`;
        } catch {
          // The file is past retention: the job stays readable without a URL.
        }
      }
      return toJobObject(job, resultUrl);
    },
    wake: options.wake,
  };

  /** Best effort: tells the upstream to stop; the job is cancelled here whatever it answers. */
  async function cancelUpstream(job: JobRecord): Promise<void> {
    const upstream = job.upstream as { provider?: string; state?: unknown } | null;
    const adapter = upstream?.provider ? adapters.get(upstream.provider) : undefined;
    const config = providers.find((provider) => provider.id === upstream?.provider);
    const request = adapter && config ? adapter.toCancelRequest?.(config, upstream?.state) : undefined;
    if (!request) return;
    await options.http.send(request, AbortSignal.timeout(10_000)).catch((error: unknown) => {
      options.log("upstream job cancel failed", { job: job.id, error: String(error) });
    });
  }
}
