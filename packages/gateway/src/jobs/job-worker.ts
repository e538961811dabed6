import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { GatewayError } from "@aigateway/protocol";
import type { AccountDirectory } from "../accounts/account-directory.ts";
import type { Admission, SpendGuard } from "../accounts/spend-guard.ts";
import type { Catalog, CatalogRoute } from "../catalog/catalog.ts";
import type { ProviderConfig } from "../providers/provider-adapter.ts";
import type { JobRecord, JobStore, UsageRecord } from "../storage/storage.ts";
import type { FileService } from "../files/file-service.ts";
import type { WebhookService } from "../webhooks/webhook-service.ts";
import { computeJobCostNanodollars } from "./compute-job-cost.ts";
import {
  UpstreamJobError,
  type JobAdapter,
  type JobModality,
  type JobPollOutcome,
  type JobTarget,
} from "./job-adapter.ts";
import type { JobHttpClient } from "./job-http-client.ts";
import { jobDeadlineMs, type JobService, type StoredJobInput } from "./job-service.ts";
import { keepLeaseAlive } from "./keep-lease-alive.ts";
import { createPollLoop, type LoopTimers } from "./poll-loop.ts";
import { resolveJobRoute } from "./resolve-job-route.ts";

/** What a running job keeps between steps: which provider has it, the adapter's state, failures in a row. */
interface UpstreamProgress {
  provider: string;
  state: unknown;
  failures: number;
}

export interface JobWorkerOptions {
  store: JobStore;
  service: Pick<JobService, "render">;
  catalog: Catalog;
  adapters: ReadonlyMap<string, JobAdapter>;
  providers: readonly ProviderConfig[];
  http: JobHttpClient;
  files: FileService;
  webhooks: WebhookService;
  spendGuard: SpendGuard;
  directory: AccountDirectory;
  now: () => number;
  timers: LoopTimers;
  /** Jobs worked on at once by this process (AIG_JOB_WORKERS). */
  concurrency: number;
  /** How often the queue is looked at for due jobs (other replicas' submissions, retries). */
  pollIntervalMs: number;
  /** Wait between two upstream status polls of one job. */
  upstreamPollMs: number;
  /** A step holds its job this long, renewed while it works; a crashed worker's job is free after it. */
  leaseMs: number;
  log: (message: string, details?: Record<string, unknown>) => void;
}

export interface JobWorker {
  start(): void;
  wake(): void;
  /** One pass: records pending events and starts due jobs; resolves once those steps have finished. */
  runDue(): Promise<number>;
  /** Stops claiming, abandons steps in flight (their jobs are given back) and waits for them. */
  stop(): Promise<void>;
}

const maxConsecutiveFailures = 5;
const maxSteps = 10_000;
const maxBackoffMs = 5 * 60_000;

function statusForCode(code: string): number {
  if (code === "budget_exceeded") return 402;
  if (code === "invalid_request_error" || code === "invalid_request") return 400;
  if (code === "permission_error") return 403;
  if (code === "cancelled") return 499;
  return 502;
}

export function createJobWorker(options: JobWorkerOptions): JobWorker {
  const { store, catalog, adapters, providers, http, files, webhooks, spendGuard, directory, now } = options;
  const owner = `jobs-${randomUUID()}`;
  const shutdown = new AbortController();
  const active = new Map<string, Promise<void>>();
  /** Reservations of jobs submitted upstream by this process, settled with the true cost at the end. */
  const admissions = new Map<string, { accountId: string; admission: Admission }>();
  let reservationsCheckedAt = Number.NEGATIVE_INFINITY;
  const recording = new Set<string>();

  const loop = createPollLoop({
    run: () => runOnce(),
    intervalMs: options.pollIntervalMs,
    timers: options.timers,
    onError: (error) => options.log("job worker pass failed", { error: String(error) }),
  });

  async function runOnce(): Promise<number> {
    if (shutdown.signal.aborted) return 0;
    await recordMissedEvents();
    await releaseReservationsOfJobsEndedElsewhere();
    const free = options.concurrency - active.size;
    if (free <= 0) return 0;
    const at = now();
    const jobs = await store.claimJobs({
      now: at,
      limit: free,
      leaseOwner: owner,
      leaseUntil: at + options.leaseMs,
    });
    for (const job of jobs) {
      const running = runStep(job).finally(() => {
        active.delete(job.id);
        loop.wake();
      });
      active.set(job.id, running);
    }
    return jobs.length;
  }

  async function runStep(job: JobRecord): Promise<void> {
    // Stopped by this step alone: a later step of the same job in this process has its own beat.
    const stopHeartbeat = keepLeaseAlive(options.timers, options.leaseMs, () =>
      store.renewJobLease(job.id, owner, now() + options.leaseMs),
    );
    try {
      await advance(job);
    } catch (error) {
      await handleStepError(job, error).catch((failure: unknown) => {
        options.log("job step failed and could not be recorded", { job: job.id, error: String(failure) });
      });
    } finally {
      stopHeartbeat();
    }
  }

  function readProgress(job: JobRecord): UpstreamProgress | null {
    const upstream = job.upstream as UpstreamProgress | null;
    return upstream && typeof upstream.provider === "string" ? upstream : null;
  }

  async function handleStepError(job: JobRecord, error: unknown): Promise<void> {
    const progress = readProgress(job);
    if (shutdown.signal.aborted) {
      // Given back untouched, so another worker (or this one after a restart) carries on at once.
      await store.saveJobProgress(
        job.id,
        owner,
        { upstream: job.upstream, nextRunAt: now(), attempts: job.attempts },
        now(),
      );
      return;
    }
    if (error instanceof GatewayError) {
      await fail(job, error.type, error.message);
      return;
    }
    const retryable = !(error instanceof UpstreamJobError) || error.retryable;
    const failures = (progress?.failures ?? 0) + 1;
    if (!retryable || failures >= maxConsecutiveFailures) {
      const code = error instanceof UpstreamJobError ? error.code : "internal_error";
      await fail(job, code, error instanceof Error ? error.message : String(error));
      return;
    }
    options.log("job step failed; will retry", { job: job.id, error: String(error), failures });
    const backoff = Math.min(maxBackoffMs, options.upstreamPollMs * 2 ** failures);
    await store.saveJobProgress(
      job.id,
      owner,
      {
        upstream: progress ? { ...progress, failures } : job.upstream,
        nextRunAt: now() + backoff,
        attempts: job.attempts + 1,
      },
      now(),
    );
  }

  function findRoute(job: JobRecord, provider: string): CatalogRoute | undefined {
    return catalog.find(job.model)?.routes.find((route) => route.provider === provider);
  }

  async function advance(job: JobRecord): Promise<void> {
    const stored = job.input as StoredJobInput;
    const input = stored.request;
    if (now() - job.createdAt > jobDeadlineMs) {
      await fail(job, "timeout", "The job did not finish within 24 hours.");
      return;
    }
    if (job.attempts >= maxSteps) {
      await fail(job, "timeout", "The job was polled too many times without finishing.");
      return;
    }
    const progress = readProgress(job);
    const modality = job.modality as JobModality;
    if (!progress) {
      const resolved = resolveJobRoute(catalog, adapters, providers, job.model, modality);
      const target: JobTarget = { slug: job.model, upstreamModel: resolved.route.upstreamId, modality };
      const profile = await directory.findProfile(job.accountId);
      if (!profile) {
        await fail(job, "account_not_found", "The account of this job no longer exists.");
        return;
      }
      const estimate = computeJobCostNanodollars(resolved.route.price, input.duration ?? 0);
      // A submit retried after an upstream error keeps its first reservation rather than adding one.
      if (!admissions.has(job.id)) {
        const admission = await spendGuard.admit(profile, job.tag, job.model, estimate);
        admissions.set(job.id, { accountId: job.accountId, admission });
      }
      const response = await http.send(
        resolved.adapter.toSubmitRequest(resolved.config, input, target),
        shutdown.signal,
      );
      const state = resolved.adapter.readSubmitResponse(response, input, target);
      const next: UpstreamProgress = { provider: resolved.adapter.provider, state, failures: 0 };
      const needsPoll = resolved.adapter.toPollRequest(resolved.config, state) !== null;
      await store.saveJobProgress(
        job.id,
        owner,
        {
          upstream: next,
          nextRunAt: now() + (needsPoll ? options.upstreamPollMs : 0),
          attempts: job.attempts + 1,
        },
        now(),
      );
      return;
    }
    const adapter = adapters.get(progress.provider);
    const config = providers.find((provider) => provider.id === progress.provider);
    const route = findRoute(job, progress.provider);
    if (!adapter || !config || !route) {
      await fail(
        job,
        "provider_unavailable",
        `Provider ${progress.provider} is no longer configured for ${job.model}.`,
      );
      return;
    }
    const request = adapter.toPollRequest(config, progress.state);
    const response = request ? await http.send(request, shutdown.signal) : null;
    const outcome = adapter.readPollResponse(config, response, progress.state, input);
    switch (outcome.kind) {
      case "pending":
        await store.saveJobProgress(
          job.id,
          owner,
          {
            upstream: { provider: progress.provider, state: outcome.state, failures: 0 },
            nextRunAt: now() + (outcome.retryAfterMs ?? options.upstreamPollMs),
            attempts: job.attempts + 1,
          },
          now(),
        );
        return;
      case "failed":
        await fail(job, outcome.code, outcome.message);
        return;
      case "succeeded":
        await complete(job, outcome, route, progress.provider);
        return;
    }
  }

  async function usageRow(
    job: JobRecord,
    provider: string | null,
    status: number,
    errorType: string | null,
    costNanodollars: number,
  ): Promise<UsageRecord> {
    const profile = await directory.findProfile(job.accountId);
    return {
      // One row per job, named by it: the usage log and the job point at each other.
      requestId: job.id,
      accountId: job.accountId,
      billingAccountId: profile?.billing.id ?? job.accountId,
      keyId: job.keyId,
      tag: job.tag,
      endpoint: job.endpoint,
      model: job.model,
      provider,
      status,
      errorType,
      stream: false,
      latencyMs: now() - job.createdAt,
      timeToFirstTokenMs: null,
      promptTokens: 0,
      completionTokens: 0,
      cachedTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
      costNanodollars,
      createdAt: now(),
    };
  }

  async function complete(
    job: JobRecord,
    outcome: Extract<JobPollOutcome, { kind: "succeeded" }>,
    route: CatalogRoute,
    provider: string,
  ): Promise<void> {
    const { output } = outcome;
    if (output.kind === "download") {
      const download = await http.open(output.request, shutdown.signal);
      await files.saveJobResult(job.accountId, job.id, output.filename, download.body, output.contentType);
    } else {
      await files.saveJobResult(
        job.accountId,
        job.id,
        output.filename,
        Readable.from([output.bytes]),
        output.contentType,
      );
    }
    const cost = computeJobCostNanodollars(route.price, outcome.billedSeconds);
    const finished = await store.finishJob(
      job.id,
      owner,
      {
        status: "completed",
        result: outcome.result,
        resultFile: output.filename,
        error: null,
        costNanodollars: cost,
        completedAt: now(),
      },
      await usageRow(job, provider, 200, null, cost),
    );
    await settle(job, finished ? cost : 0);
    if (finished) await recordEvent(job.accountId, job.id);
  }

  async function fail(job: JobRecord, code: string, message: string): Promise<void> {
    const provider = readProgress(job)?.provider ?? null;
    const finished = await store.finishJob(
      job.id,
      owner,
      {
        status: "failed",
        result: null,
        resultFile: null,
        error: { code, message },
        costNanodollars: 0,
        completedAt: now(),
      },
      await usageRow(job, provider, statusForCode(code), code, 0),
    );
    await settle(job, 0);
    if (finished) await recordEvent(job.accountId, job.id);
  }

  /** Moves the spend counters from the reservation to the true cost (failed jobs cost nothing). */
  async function settle(job: JobRecord, cost: number): Promise<void> {
    const admission = admissions.get(job.id)?.admission;
    admissions.delete(job.id);
    if (admission) {
      admission.settle(cost);
      return;
    }
    if (cost === 0) return;
    // Submitted by a process that has since died: its reservation is gone, so add the cost afresh.
    const profile = await directory.findProfile(job.accountId);
    if (!profile) return;
    try {
      (await spendGuard.admit(profile, job.tag, job.model, 0)).settle(cost);
    } catch (error) {
      options.log("could not add a finished job's cost to the spend counters", {
        job: job.id,
        error: String(error),
      });
    }
  }

  async function recordEvent(accountId: string, id: string): Promise<void> {
    if (recording.has(id)) return;
    recording.add(id);
    try {
      const job = await store.findJob(accountId, id);
      if (!job || job.eventRecordedAt !== null) return;
      if (job.status === "completed" || job.status === "failed") {
        const stored = job.input as StoredJobInput;
        const data = { job_id: job.id, ...(await options.service.render(job, stored.origin)) };
        await webhooks.enqueueEvent({
          accountId: job.accountId,
          type: job.status === "completed" ? "job.completed" : "job.failed",
          data,
          ...(job.webhookUrl ? { webhookUrl: job.webhookUrl } : {}),
        });
      }
      await store.markJobEventRecorded(job.id, now());
    } finally {
      recording.delete(id);
    }
  }

  /**
   * Between steps a job has no lease, so another replica may take its later polls and finish it (it
   * then adds the cost to the counters itself), or it is cancelled and never claimed again. Either way
   * the reservation this process took at submit would be held until the counters are next seeded, so
   * it is released here; checked once per lease period, as a job's state is one query each.
   */
  async function releaseReservationsOfJobsEndedElsewhere(): Promise<void> {
    if (now() - reservationsCheckedAt < options.leaseMs) return;
    reservationsCheckedAt = now();
    // No step can start while this runs: claims happen later in the same pass.
    for (const [id, { accountId, admission }] of [...admissions]) {
      if (active.has(id)) continue;
      const job = await store.findJob(accountId, id);
      if (job && (job.status === "queued" || job.status === "running")) continue;
      admissions.delete(id);
      admission.settle(0);
    }
  }

  /** Events of jobs whose finisher crashed before writing them (after a grace, so finishers win). */
  async function recordMissedEvents(): Promise<void> {
    const cutoff = now() - options.leaseMs;
    const missed = await store.listJobsAwaitingEvent(20);
    for (const job of missed) {
      if ((job.completedAt ?? 0) > cutoff || recording.has(job.id)) continue;
      await recordEvent(job.accountId, job.id);
    }
  }

  return {
    start: () => loop.start(),
    wake: () => loop.wake(),
    async runDue() {
      const started = await loop.runNow();
      await Promise.all(active.values());
      return started;
    },
    async stop() {
      await loop.stop();
      shutdown.abort();
      await Promise.all(active.values());
    },
  };
}
