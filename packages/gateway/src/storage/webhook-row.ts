import type {
  WebhookAttemptRecord,
  WebhookDeliveryRecord,
  WebhookDeliveryStatus,
  WebhookSecretRecord,
} from "./storage.ts";
import { readNullableNumber, readNullableText, readText, type StoredRow } from "./stored-row.ts";

// Endpoints and events stay per backend: their `events`/`data` columns differ (TEXT[]/JSON on
// PostgreSQL, JSON text on SQLite).

export function toWebhookDeliveryRecord(row: StoredRow): WebhookDeliveryRecord {
  return {
    id: readText(row.id),
    accountId: readText(row.account_id),
    eventId: readText(row.event_id),
    eventType: readText(row.event_type),
    endpointId: readNullableText(row.endpoint_id),
    url: readText(row.url),
    status: readText(row.status) as WebhookDeliveryStatus,
    attempts: Number(row.attempts),
    nextAttemptAt: readNullableNumber(row.next_attempt_at),
    lastAttemptAt: readNullableNumber(row.last_attempt_at),
    lastStatusCode: readNullableNumber(row.last_status_code),
    lastError: readNullableText(row.last_error),
    createdAt: Number(row.created_at),
    completedAt: readNullableNumber(row.completed_at),
    redeliveryOf: readNullableText(row.redelivery_of),
  };
}

export function toWebhookAttemptRecord(row: StoredRow): WebhookAttemptRecord {
  return {
    deliveryId: readText(row.delivery_id),
    attempt: Number(row.attempt),
    attemptedAt: Number(row.attempted_at),
    statusCode: readNullableNumber(row.status_code),
    error: readNullableText(row.error),
    durationMs: Number(row.duration_ms),
  };
}

export function toWebhookSecretRecord(row: StoredRow): WebhookSecretRecord {
  return {
    accountId: readText(row.account_id),
    secret: readText(row.secret),
    previousSecret: readNullableText(row.previous_secret),
    previousSecretExpiresAt: readNullableNumber(row.previous_secret_expires_at),
    createdAt: Number(row.created_at),
    rotatedAt: readNullableNumber(row.rotated_at),
  };
}
