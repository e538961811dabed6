import type { EventRecord, WebhookDeliveryRecord, WebhookSecretRecord } from "../storage/storage.ts";
import { formatSignatureHeader } from "./webhook-signature.ts";

/** The body every receiver gets: `{id, type, created (unix seconds), data}`. */
export function serializeWebhookEvent(event: EventRecord): string {
  return JSON.stringify({
    id: event.id,
    type: event.type,
    created: Math.floor(event.createdAt / 1000),
    data: event.data,
  });
}

/** The secrets to sign with now: the previous one while its grace period runs, then the current. */
export function selectSigningSecrets(record: WebhookSecretRecord, now: number): string[] {
  const previousValid =
    record.previousSecret !== null &&
    record.previousSecretExpiresAt !== null &&
    record.previousSecretExpiresAt > now;
  return previousValid && record.previousSecret ? [record.previousSecret, record.secret] : [record.secret];
}

export interface WebhookRequestInput {
  delivery: WebhookDeliveryRecord;
  event: EventRecord;
  secret: WebhookSecretRecord;
  /** 1-based number of this attempt. */
  attempt: number;
  now: number;
  userAgent: string;
}

export function buildWebhookRequest(input: WebhookRequestInput): {
  body: string;
  headers: Record<string, string>;
} {
  const body = serializeWebhookEvent(input.event);
  const signature = formatSignatureHeader(
    selectSigningSecrets(input.secret, input.now),
    Math.floor(input.now / 1000),
    body,
  );
  return {
    body,
    headers: {
      "content-type": "application/json",
      "user-agent": input.userAgent,
      "x-aig-signature": signature,
      // The header name the published SDKs' verifyWebhook documents; same value.
      "x-gateway-signature": signature,
      "x-aig-event-type": input.event.type,
      "x-aig-event-id": input.event.id,
      "x-aig-delivery-id": input.delivery.id,
      "x-aig-attempt": String(input.attempt),
    },
  };
}
