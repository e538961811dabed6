import { randomUUID } from "node:crypto";
import type { ClaimedWebhookDelivery, WebhookSecretRecord, WebhookStore } from "../storage/storage.ts";
import { buildWebhookRequest } from "./build-webhook-request.ts";
import { planAfterFailedAttempt } from "./webhook-retry-schedule.ts";
import type { WebhookSender } from "./webhook-sender.ts";
import { generateWebhookSecret } from "./webhook-signature.ts";

/** Timers the dispatcher polls with; tests pass ones they fire by hand. */
export interface WebhookTimers {
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemTimers: WebhookTimers = {
  setTimeout(callback, delayMs) {
    const handle = setTimeout(callback, delayMs);
    // Polling alone must not keep a process alive.
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface WebhookDispatcherOptions {
  store: WebhookStore;
  sender: WebhookSender;
  now: () => number;
  timers: WebhookTimers;
  /** How often due deliveries are looked for (retries, and events recorded by other replicas). */
  pollIntervalMs: number;
  /** Longer than the send timeout, so a live attempt never loses its lease. */
  leaseMs: number;
  userAgent: string;
  log: (message: string, details?: Record<string, unknown>) => void;
  batchSize?: number;
}

export interface WebhookDispatcher {
  /** Starts polling. */
  start(): void;
  /** Asks for a run soon (an event was just recorded in this process). */
  wake(): void;
  /**
   * Attempts every delivery due now and resolves once those attempts are recorded; returns how many
   * it attempted. Runs in this process are serialised; other replicas are kept off by the leases.
   */
  deliverDue(): Promise<number>;
  /** Stops polling, abandons in-flight attempts (their deliveries are released, not counted). */
  stop(): Promise<void>;
}

// A run stops after this many batches so one backlog cannot monopolise the loop; the next poll resumes.
const maxBatchesPerRun = 50;

export function createWebhookDispatcher(options: WebhookDispatcherOptions): WebhookDispatcher {
  const { store, sender, now, timers, log } = options;
  const batchSize = options.batchSize ?? 20;
  const shutdown = new AbortController();
  let pollHandle: unknown;
  let running: Promise<number> = Promise.resolve(0);
  let started = false;

  async function attempt(
    claimed: ClaimedWebhookDelivery,
    leaseOwner: string,
    secrets: Map<string, Promise<WebhookSecretRecord>>,
  ): Promise<void> {
    const { delivery, event } = claimed;
    const attemptNumber = delivery.attempts + 1;
    let secret = secrets.get(delivery.accountId);
    if (!secret) {
      // Deliveries may precede the first GET /v1/webhook-secret; the secret is made here then.
      secret = store.ensureSecret(delivery.accountId, generateWebhookSecret(), now());
      secrets.set(delivery.accountId, secret);
    }
    const attemptedAt = now();
    const { body, headers } = buildWebhookRequest({
      delivery,
      event,
      secret: await secret,
      attempt: attemptNumber,
      now: attemptedAt,
      userAgent: options.userAgent,
    });
    const started = performance.now();
    const result = await sender.post({ url: delivery.url, body, headers, signal: shutdown.signal });
    if (shutdown.signal.aborted && !result.ok) {
      await store.releaseDelivery(delivery.id, leaseOwner);
      return;
    }
    const outcome = result.ok
      ? { status: "succeeded" as const }
      : planAfterFailedAttempt(attemptNumber, now());
    const kept = await store.completeAttempt(
      {
        deliveryId: delivery.id,
        attempt: attemptNumber,
        attemptedAt,
        statusCode: result.statusCode,
        error: result.error,
        durationMs: Math.round(performance.now() - started),
      },
      leaseOwner,
      outcome,
    );
    if (!kept) log("webhook delivery lease lost during an attempt", { deliveryId: delivery.id });
  }

  async function run(): Promise<number> {
    let attempted = 0;
    const secrets = new Map<string, Promise<WebhookSecretRecord>>();
    for (let batch = 0; batch < maxBatchesPerRun && !shutdown.signal.aborted; batch++) {
      const leaseOwner = randomUUID();
      const claimedAt = now();
      const claimed = await store.claimDueDeliveries({
        now: claimedAt,
        limit: batchSize,
        leaseOwner,
        leaseUntil: claimedAt + options.leaseMs,
      });
      if (claimed.length === 0) break;
      const results = await Promise.allSettled(
        claimed.map((delivery) => attempt(delivery, leaseOwner, secrets)),
      );
      for (const result of results) {
        if (result.status === "rejected") {
          // The lease runs out and another run retries the attempt.
          log("webhook attempt could not be recorded", { error: String(result.reason) });
        }
      }
      attempted += claimed.length;
      if (claimed.length < batchSize) break;
    }
    return attempted;
  }

  function deliverDue(): Promise<number> {
    running = running.catch(() => 0).then(run);
    return running;
  }

  function schedulePoll(): void {
    if (shutdown.signal.aborted) return;
    pollHandle = timers.setTimeout(() => {
      deliverDue()
        .catch((error: unknown) => log("webhook dispatch failed", { error: String(error) }))
        .finally(schedulePoll);
    }, options.pollIntervalMs);
  }

  return {
    start() {
      if (started) return;
      started = true;
      schedulePoll();
      // Deliveries left due by a previous process go out at start, not a poll later.
      this.wake();
    },
    wake() {
      if (shutdown.signal.aborted) return;
      deliverDue().catch((error: unknown) => log("webhook dispatch failed", { error: String(error) }));
    },
    deliverDue,
    async stop() {
      shutdown.abort();
      if (pollHandle !== undefined) timers.clearTimeout(pollHandle);
      await running.catch(() => 0);
      await sender.close();
    },
  };
}
