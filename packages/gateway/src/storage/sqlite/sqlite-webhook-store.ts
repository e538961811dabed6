import { randomBytes } from "node:crypto";
import type { DatabaseSync, SQLInputValue } from "node:sqlite";
import type {
  EventRecord,
  WebhookAttemptRecord,
  WebhookDeliveryRecord,
  WebhookDeliveryStatus,
  WebhookEndpointRecord,
  WebhookSecretRecord,
  WebhookStore,
} from "../storage.ts";

type Row = Record<string, SQLInputValue>;

const text = (value: SQLInputValue | undefined): string => (typeof value === "string" ? value : "");
const nullableText = (value: SQLInputValue | undefined): string | null =>
  typeof value === "string" ? value : null;
const nullableNumber = (value: SQLInputValue | undefined): number | null =>
  value === null || value === undefined ? null : Number(value);

// The same shape PostgreSQL mints (a random UUID's 32 hex digits).
function generateDeliveryId(): string {
  return `whd_${randomBytes(16).toString("hex")}`;
}

function toEndpoint(row: Row): WebhookEndpointRecord {
  return {
    id: text(row.id),
    accountId: text(row.account_id),
    url: text(row.url),
    events: JSON.parse(text(row.events)) as string[],
    description: nullableText(row.description),
    createdAt: Number(row.created_at),
  };
}

function toDelivery(row: Row): WebhookDeliveryRecord {
  return {
    id: text(row.id),
    accountId: text(row.account_id),
    eventId: text(row.event_id),
    eventType: text(row.event_type),
    endpointId: nullableText(row.endpoint_id),
    url: text(row.url),
    status: text(row.status) as WebhookDeliveryStatus,
    attempts: Number(row.attempts),
    nextAttemptAt: nullableNumber(row.next_attempt_at),
    lastAttemptAt: nullableNumber(row.last_attempt_at),
    lastStatusCode: nullableNumber(row.last_status_code),
    lastError: nullableText(row.last_error),
    createdAt: Number(row.created_at),
    completedAt: nullableNumber(row.completed_at),
    redeliveryOf: nullableText(row.redelivery_of),
  };
}

function toAttempt(row: Row): WebhookAttemptRecord {
  return {
    deliveryId: text(row.delivery_id),
    attempt: Number(row.attempt),
    attemptedAt: Number(row.attempted_at),
    statusCode: nullableNumber(row.status_code),
    error: nullableText(row.error),
    durationMs: Number(row.duration_ms),
  };
}

function toSecret(row: Row): WebhookSecretRecord {
  return {
    accountId: text(row.account_id),
    secret: text(row.secret),
    previousSecret: nullableText(row.previous_secret),
    previousSecretExpiresAt: nullableNumber(row.previous_secret_expires_at),
    createdAt: Number(row.created_at),
    rotatedAt: nullableNumber(row.rotated_at),
  };
}

function toEvent(row: Row): EventRecord {
  return {
    id: text(row.id),
    accountId: text(row.account_id),
    type: text(row.type),
    data: JSON.parse(text(row.data)) as unknown,
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

  // Inside a caller's open transaction the work simply joins it: the outbox rows then commit or roll
  // back with the caller's state change.
  function inTransaction<T>(work: () => T): T {
    if (database.isTransaction) return work();
    database.exec("BEGIN");
    try {
      const result = work();
      database.exec("COMMIT");
      return result;
    } catch (error) {
      database.exec("ROLLBACK");
      throw error;
    }
  }

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
    return toDelivery(row);
  }

  return {
    async recordEvent(event, extraUrls = []) {
      return inTransaction(() => {
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
            .map((row) => ({ endpointId: text(row.id), url: text(row.url) })),
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
      return inTransaction(() => {
        const deleted = Number(statements.deleteEndpoint.run(accountId, id).changes) > 0;
        if (deleted) statements.cancelEndpointDeliveries.run(now, id);
        return deleted;
      });
    },
    async claimDueDeliveries({ now, limit, leaseOwner, leaseUntil }) {
      const claimed = inTransaction(() =>
        statements.claim.all(leaseOwner, leaseUntil, now, now, limit).flatMap((row) => {
          const delivery = toDelivery(row);
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
      return inTransaction(() => {
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
        .map(toDelivery);
    },
    async findDelivery(accountId, id) {
      const row = statements.findDelivery.get(accountId, id);
      return row ? toDelivery(row) : undefined;
    },
    async listAttempts(deliveryIds) {
      if (deliveryIds.length === 0) return [];
      const rows = database
        .prepare(
          `SELECT * FROM webhook_attempts WHERE delivery_id IN (SELECT value FROM json_each(?))
           ORDER BY delivery_id, attempt`,
        )
        .all(JSON.stringify(deliveryIds));
      return rows.map(toAttempt);
    },
    async redeliver(accountId, id, now) {
      return inTransaction(() => {
        const row = statements.findDelivery.get(accountId, id);
        if (!row) return undefined;
        const original = toDelivery(row);
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
      return row ? toSecret(row) : undefined;
    },
    async ensureSecret(accountId, candidate, now) {
      statements.insertSecret.run(accountId, candidate, now);
      const row = statements.findSecret.get(accountId);
      if (!row) throw new Error("the webhook secret vanished right after it was stored");
      return toSecret(row);
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
      return toSecret(row);
    },
  };
}
