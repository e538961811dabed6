import type { WebhookAttemptOutcome } from "../storage/storage.ts";

/** Delay before attempt n+1 (index n): the first goes out at once, the sixth 6 h after the fifth. */
export const webhookAttemptDelaysMs = [0, 30_000, 120_000, 600_000, 3_600_000, 21_600_000] as const;

export const maxWebhookAttempts = webhookAttemptDelaysMs.length;

/** What a failed attempt (1-based) leaves: another try after the scheduled delay, or failed for good. */
export function planAfterFailedAttempt(attempt: number, now: number): WebhookAttemptOutcome {
  const delay = webhookAttemptDelaysMs[attempt];
  if (delay === undefined || attempt >= maxWebhookAttempts) return { status: "failed" };
  return { status: "pending", nextAttemptAt: now + delay };
}
