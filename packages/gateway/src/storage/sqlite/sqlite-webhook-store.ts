import { randomBytes } from "node:crypto";
import type { DatabaseSync } from "node:sqlite";
import type { EventRecord, WebhookDeliveryRecord, WebhookEndpointRecord, WebhookStore } from "../storage.ts";
import { readNullableText, readText, type StoredRow } from "../stored-row.ts";
import { toWebhookAttemptRecord, toWebhookDeliveryRecord, toWebhookSecretRecord } from "../webhook-row.ts";
import { inSqliteTransaction } from "./in-sqlite-transaction.ts";

// The same shape PostgreSQL mints (a random UUID's 32 hex digits).
function generateDeliveryId(): string {
  return `whd_${randomBytes(16).toString("hex")}`;
}

function toEndpoint(row: StoredRow): WebhookEndpointRecord {
  return {
    id: readText(row.id),
    accountId: readText(row.account_id),
    url: readText(row.url),
    events: JSON.parse(readText(row.events)) as string[],
    description: readNullableText(row.description),
    createdAt: Number(row.created_at),
  };
}

function toEvent(row: StoredRow): EventRecord {
  return {
    id: readText(row.id),
    accountId: readText(row.account_id),
    type: readText(row.type),
    data: JSON.parse(readText(row.data)) as unknown,
    createdAt: Number(row.created_at),
  };
}

/** The webhook outbox on node:sqlite. Every method runs synchronously, so each is atomic. */
export function createSqliteWebhookStore(database: DatabaseSync): WebhookStore {
  const statements = {
    insertEvent: database.prepare(
      "INSERT INTO events (id, account_id, type, data, created_at) VALUES (?, ?, ?, ?, ?)",
    ),
    subscribedEndpoints: database.prepare(
      `SELECT id, url FROM webhook_endpoints
       WHERE account_id = ? AND EXISTS (SELECT 1 FROM json_each(webhook_endpoints.events) WHERE value IN (?, '*'))
       ORDER BY created_at, id`,
    ),
    insertDelivery: database.prepare(
      `INSERT INTO webhook_deliveries (id, account_id, event_id, event_type, endpoint_id, url, status, attempts,
         next_attempt_at, created_at, redelivery_of)
       VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?) RETURNING *`,
    ),
    insertEndpoint: database.prepare(
      "INSERT INTO webhook_endpoints (id, account_id, url, events, description, created_at) VALUES (?, ?, ?, ?, ?, ?)",
    ),
    listEndpoints: database.prepare(
      "SELECT * FROM webhook_endpoints WHERE account_id = ? ORDER BY created_at, id",
    ),
    findEndpoint: database.prepare("SELECT * FROM webhook_endpoints WHERE account_id = ? AND id = ?"),
    deleteEndpoint: database.prepare("DELETE FROM webhook_endpoints WHERE account_id = ? AND id = ?"),
    cancelEndpointDeliveries: database.prepare(
      `UPDATE webhook_deliveries SET status = 'cancelled', next_attempt_at = NULL, completed_at = ?,
         last_error = COALESCE(last_error, 'endpoint deleted')
       WHERE endpoint_id = ? AND status = 'pending'`,
    ),
    claim: database.prepare(
      `UPDATE webhook_deliveries SET lease_owner = ?, lease_expires_at = ?
       WHERE id IN (
         SELECT id FROM webhook_deliveries
         WHERE status = 'pending' AND next_attempt_at <= ? AND (lease_expires_at IS NULL OR lease_expires_at <= ?)
         ORDER BY next_attempt_at, id LIMIT ?
       )
       RETURNING *`,
    ),
    findEvent: database.prepare("SELECT * FROM events WHERE id = ?"),
    insertAttempt: database.prepare(
      `INSERT INTO webhook_attempts (delivery_id, attempt, attempted_at, status_code, error, duration_ms)
       VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    ),
    completeAttempt: database.prepare(
      `UPDATE webhook_deliveries SET status = ?, attempts = ?, next_attempt_at = ?, last_attempt_at = ?,
         last_status_code = ?, last_error = ?, completed_at = ?, lease_owner = NULL, lease_expires_at = NULL
       WHERE id = ? AND lease_owner = ? AND status = 'pending'`,
    ),
    release: database.prepare(
      "UPDATE webhook_deliveries SET lease_owner = NULL, lease_expires_at = NULL WHERE id = ? AND lease_owner = ?",
    ),
    findDelivery: database.prepare("SELECT * FROM webhook_deliveries WHERE account_id = ? AND id = ?"),
    listDeliveries: database.prepare(
      `SELECT * FROM webhook_deliveries
       WHERE account_id = ? AND (? IS NULL OR endpoint_id = ?) AND (? IS NULL OR event_id = ?) AND (? IS NULL OR status = ?)
       ORDER BY created_at DESC, id DESC LIMIT ?`,
    ),
    findSecret: database.prepare("SELECT * FROM webhook_secrets WHERE account_id = ?"),
    insertSecret: database.prepare(
      "INSERT INTO webhook_secrets (account_id, secret, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
    ),
    rotateSecret: database.prepare(
      `INSERT INTO webhook_secrets (account_id, secret, created_at, rotated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (account_id) DO UPDATE SET
         previous_secret = CASE WHEN ? IS NULL THEN NULL ELSE webhook_secrets.secret END,
         previous_secret_expires_at = ?,
         secret = excluded.secret,
         rotated_at = excluded.rotated_at
       RETURNING *`,
    ),
  };

  function insertDelivery(
    delivery: Pick<
      WebhookDeliveryRecord,
      "id" | "accountId" | "eventId" | "eventType" | "endpointId" | "url" | "createdAt" | "redeliveryOf"
    >,
  ): WebhookDeliveryRecord {
    const row = statements.insertDelivery.get(
      delivery.id,
      delivery.accountId,
      delivery.eventId,
      delivery.eventType,
      delivery.endpointId,
      delivery.url,
      delivery.createdAt,
      delivery.createdAt,
      delivery.redeliveryOf,
    );
    if (!row) throw new Error("inserting a webhook delivery returned no row");
    return toWebhookDeliveryRecord(row);
  }

  return {
    async recordEvent(event, extraUrls = []) {
      return inSqliteTransaction(database, () => {
        statements.insertEvent.run(
          event.id,
          event.accountId,
          event.type,
          JSON.stringify(event.data),
          event.createdAt,
        );
        const targets = [
          ...statements.subscribedEndpoints
            .all(event.accountId, event.type)
            .map((row) => ({ endpointId: readText(row.id), url: readText(row.url) })),
          ...extraUrls.map((url) => ({ endpointId: null, url })),
        ];
        return targets.map((target) =>
          insertDelivery({
            id: generateDeliveryId(),
            accountId: event.accountId,
            eventId: event.id,
            eventType: event.type,
            endpointId: target.endpointId,
            url: target.url,
            createdAt: event.createdAt,
            redeliveryOf: null,
          }),
        );
      });
    },
    async insertEndpoint(endpoint) {
      statements.insertEndpoint.run(
        endpoint.id,
        endpoint.accountId,
        endpoint.url,
        JSON.stringify(endpoint.events),
        endpoint.description,
        endpoint.createdAt,
      );
    },
    async listEndpoints(accountId) {
      return statements.listEndpoints.all(accountId).map(toEndpoint);
    },
    async findEndpoint(accountId, id) {
      const row = statements.findEndpoint.get(accountId, id);
      return row ? toEndpoint(row) : undefined;
    },
    async deleteEndpoint(accountId, id, now) {
      return inSqliteTransaction(database, () => {
        const deleted = Number(statements.deleteEndpoint.run(accountId, id).changes) > 0;
        if (deleted) statements.cancelEndpointDeliveries.run(now, id);
        return deleted;
      });
    },
    async claimDueDeliveries({ now, limit, leaseOwner, leaseUntil }) {
      const claimed = inSqliteTransaction(database, () =>
        statements.claim.all(leaseOwner, leaseUntil, now, now, limit).flatMap((row) => {
          const delivery = toWebhookDeliveryRecord(row);
          const event = statements.findEvent.get(delivery.eventId);
          return event ? [{ delivery, event: toEvent(event) }] : [];
        }),
      );
      // RETURNING gives rows in update order, not the subquery's: due order is restored here.
      return claimed.sort(
        (a, b) =>
          (a.delivery.nextAttemptAt ?? 0) - (b.delivery.nextAttemptAt ?? 0) ||
          (a.delivery.id < b.delivery.id ? -1 : 1),
      );
    },
    async completeAttempt(attempt, leaseOwner, outcome) {
      return inSqliteTransaction(database, () => {
        statements.insertAttempt.run(
          attempt.deliveryId,
          attempt.attempt,
          attempt.attemptedAt,
          attempt.statusCode,
          attempt.error,
          attempt.durationMs,
        );
        const result = statements.completeAttempt.run(
          outcome.status,
          attempt.attempt,
          outcome.status === "pending" ? outcome.nextAttemptAt : null,
          attempt.attemptedAt,
          attempt.statusCode,
          attempt.error,
          outcome.status === "pending" ? null : attempt.attemptedAt,
          attempt.deliveryId,
          leaseOwner,
        );
        return Number(result.changes) > 0;
      });
    },
    async releaseDelivery(id, leaseOwner) {
      statements.release.run(id, leaseOwner);
    },
    async listDeliveries(accountId, query) {
      const endpointId = query.endpointId ?? null;
      const eventId = query.eventId ?? null;
      const status = query.status ?? null;
      return statements.listDeliveries
        .all(accountId, endpointId, endpointId, eventId, eventId, status, status, query.limit)
        .map(toWebhookDeliveryRecord);
    },
    async findDelivery(accountId, id) {
      const row = statements.findDelivery.get(accountId, id);
      return row ? toWebhookDeliveryRecord(row) : undefined;
    },
    async listAttempts(deliveryIds) {
      if (deliveryIds.length === 0) return [];
      const rows = database
        .prepare(
          `SELECT * FROM webhook_attempts WHERE delivery_id IN (SELECT value FROM json_each(?))
           ORDER BY delivery_id, attempt`,
        )
        .all(JSON.stringify(deliveryIds));
      return rows.map(toWebhookAttemptRecord);
    },
    async redeliver(accountId, id, now) {
      return inSqliteTransaction(database, () => {
        const row = statements.findDelivery.get(accountId, id);
        if (!row) return undefined;
        const original = toWebhookDeliveryRecord(row);
        return insertDelivery({
          ...original,
          id: generateDeliveryId(),
          createdAt: now,
          redeliveryOf: original.id,
        });
      });
    },
    async findSecret(accountId) {
      const row = statements.findSecret.get(accountId);
      return row ? toWebhookSecretRecord(row) : undefined;
    },
    async ensureSecret(accountId, candidate, now) {
      statements.insertSecret.run(accountId, candidate, now);
      const row = statements.findSecret.get(accountId);
      if (!row) throw new Error("the webhook secret vanished right after it was stored");
      return toWebhookSecretRecord(row);
    },
    async rotateSecret(accountId, secret, now, previousValidUntil) {
      const row = statements.rotateSecret.get(
        accountId,
        secret,
        now,
        now,
        previousValidUntil,
        previousValidUntil,
      );
      if (!row) throw new Error("rotating the webhook secret returned no row");
      return toWebhookSecretRecord(row);
    },
  };
}
