/** Every event type the gateway emits; endpoints subscribe to some of them or to "*". */
export const webhookEventTypes = [
  "job.completed",
  "job.failed",
  "batch.completed",
  "usage.threshold",
  "sub_account.budget.exhausted",
  "key.rotated",
] as const;

export type WebhookEventType = (typeof webhookEventTypes)[number];

export const allWebhookEvents = "*";
