import type { Pool } from "pg";
import type { WebhookEndpointRecord, WebhookStore } from "../storage.ts";
import type { StoredRow } from "../stored-row.ts";
import { toWebhookAttemptRecord, toWebhookDeliveryRecord, toWebhookSecretRecord } from "../webhook-row.ts";

interface EndpointRow {
  id: string;
  account_id: string;
  url: string;
  events: string[];
  description: string | null;
  created_at: number;
}

// The claim returns the delivery's columns plus its event's.
interface ClaimedRow extends StoredRow {
  event_id: string;
  account_id: string;
  event_type: string;
  event_data: unknown;
  event_created_at: number;
}

const toEndpoint = (row: EndpointRow): WebhookEndpointRecord => ({
  id: row.id,
  accountId: row.account_id,
  url: row.url,
  events: row.events,
  description: row.description,
  createdAt: row.created_at,
});

const newDeliveryId = "'whd_' || replace(gen_random_uuid()::text, '-', '')";

// One statement, so the event and its deliveries commit together. The deliveries join the inserted
// event row: if the event insert fails, nothing is written.
const recordEventSql = `
  WITH event AS (
    INSERT INTO events (id, account_id, type, data, created_at) VALUES ($1, $2, $3, $4::json, $5)
    RETURNING id, account_id, type, created_at
  ),
  targets AS (
    SELECT endpoint.id AS endpoint_id, endpoint.url
    FROM webhook_endpoints AS endpoint
    WHERE endpoint.account_id = $2 AND ($3 = ANY(endpoint.events) OR '*' = ANY(endpoint.events))
    UNION ALL
    SELECT NULL, extra.url FROM unnest($6::text[]) AS extra(url)
  )
  INSERT INTO webhook_deliveries (id, account_id, event_id, event_type, endpoint_id, url, status, attempts,
    next_attempt_at, created_at)
  SELECT ${newDeliveryId}, event.account_id, event.id, event.type, targets.endpoint_id, targets.url, 'pending', 0,
    event.created_at, event.created_at
  FROM event CROSS JOIN targets
  RETURNING *`;

// SKIP LOCKED lets replicas claim side by side without waiting on each other's rows; the lease
// columns keep a claimed row out of every other claim until it is completed, released or expires.
const claimSql = `
  WITH claimed AS (
    UPDATE webhook_deliveries SET lease_owner = $1, lease_expires_at = $2
    WHERE id IN (
      SELECT id FROM webhook_deliveries
      WHERE status = 'pending' AND next_attempt_at <= $3 AND (lease_expires_at IS NULL OR lease_expires_at <= $3)
      ORDER BY next_attempt_at, id
      LIMIT $4
      FOR UPDATE SKIP LOCKED
    )
    RETURNING *
  )
  SELECT claimed.*, event.data AS event_data, event.created_at AS event_created_at
  FROM claimed JOIN events AS event ON event.id = claimed.event_id`;

const completeAttemptSql = `
  WITH logged AS (
    INSERT INTO webhook_attempts (delivery_id, attempt, attempted_at, status_code, error, duration_ms)
    VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING
  )
  UPDATE webhook_deliveries SET status = $7, attempts = $2, next_attempt_at = $8, last_attempt_at = $3,
    last_status_code = $4, last_error = $5, completed_at = $9, lease_owner = NULL, lease_expires_at = NULL
  WHERE id = $1 AND lease_owner = $10 AND status = 'pending'`;

const deleteEndpointSql = `
  WITH deleted AS (
    DELETE FROM webhook_endpoints WHERE account_id = $1 AND id = $2 RETURNING id
  ),
  cancelled AS (
    UPDATE webhook_deliveries SET status = 'cancelled', next_attempt_at = NULL, completed_at = $3,
      last_error = COALESCE(last_error, 'endpoint deleted')
    WHERE endpoint_id IN (SELECT id FROM deleted) AND status = 'pending'
  )
  SELECT count(*)::int AS deleted FROM deleted`;

const redeliverSql = `
  INSERT INTO webhook_deliveries (id, account_id, event_id, event_type, endpoint_id, url, status, attempts,
    next_attempt_at, created_at, redelivery_of)
  SELECT ${newDeliveryId}, account_id, event_id, event_type, endpoint_id, url, 'pending', 0, $3, $3, id
  FROM webhook_deliveries WHERE account_id = $1 AND id = $2
  RETURNING *`;

const rotateSecretSql = `
  INSERT INTO webhook_secrets (account_id, secret, created_at, rotated_at) VALUES ($1, $2, $3, $3)
  ON CONFLICT (account_id) DO UPDATE SET
    previous_secret = CASE WHEN $4::bigint IS NULL THEN NULL ELSE webhook_secrets.secret END,
    previous_secret_expires_at = $4::bigint,
    secret = excluded.secret,
    rotated_at = excluded.rotated_at
  RETURNING *`;

/** The webhook outbox on PostgreSQL, shared by every replica. */
export function createPostgresWebhookStore(pool: Pool): WebhookStore {
  return {
    async recordEvent(event, extraUrls = []) {
      const { rows } = await pool.query<StoredRow>(recordEventSql, [
        event.id,
        event.accountId,
        event.type,
        JSON.stringify(event.data),
        event.createdAt,
        extraUrls,
      ]);
      return rows.map(toWebhookDeliveryRecord);
    },
    async insertEndpoint(endpoint) {
      await pool.query(
        "INSERT INTO webhook_endpoints (id, account_id, url, events, description, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        [
          endpoint.id,
          endpoint.accountId,
          endpoint.url,
          endpoint.events,
          endpoint.description,
          endpoint.createdAt,
        ],
      );
    },
    async listEndpoints(accountId) {
      const { rows } = await pool.query<EndpointRow>(
        "SELECT * FROM webhook_endpoints WHERE account_id = $1 ORDER BY created_at, id",
        [accountId],
      );
      return rows.map(toEndpoint);
    },
    async findEndpoint(accountId, id) {
      const { rows } = await pool.query<EndpointRow>(
        "SELECT * FROM webhook_endpoints WHERE account_id = $1 AND id = $2",
        [accountId, id],
      );
      return rows[0] ? toEndpoint(rows[0]) : undefined;
    },
    async deleteEndpoint(accountId, id, now) {
      const { rows } = await pool.query<{ deleted: number }>(deleteEndpointSql, [accountId, id, now]);
      return (rows[0]?.deleted ?? 0) > 0;
    },
    async claimDueDeliveries({ now, limit, leaseOwner, leaseUntil }) {
      const { rows } = await pool.query<ClaimedRow>(claimSql, [leaseOwner, leaseUntil, now, limit]);
      return rows
        .map((row) => ({
          delivery: toWebhookDeliveryRecord(row),
          event: {
            id: row.event_id,
            accountId: row.account_id,
            type: row.event_type,
            data: row.event_data,
            createdAt: row.event_created_at,
          },
        }))
        .sort(
          (a, b) =>
            (a.delivery.nextAttemptAt ?? 0) - (b.delivery.nextAttemptAt ?? 0) ||
            (a.delivery.id < b.delivery.id ? -1 : 1),
        );
    },
    async completeAttempt(attempt, leaseOwner, outcome) {
      const result = await pool.query(completeAttemptSql, [
        attempt.deliveryId,
        attempt.attempt,
        attempt.attemptedAt,
        attempt.statusCode,
        attempt.error,
        attempt.durationMs,
        outcome.status,
        outcome.status === "pending" ? outcome.nextAttemptAt : null,
        outcome.status === "pending" ? null : attempt.attemptedAt,
        leaseOwner,
      ]);
      return (result.rowCount ?? 0) > 0;
    },
    async releaseDelivery(id, leaseOwner) {
      await pool.query(
        "UPDATE webhook_deliveries SET lease_owner = NULL, lease_expires_at = NULL WHERE id = $1 AND lease_owner = $2",
        [id, leaseOwner],
      );
    },
    async listDeliveries(accountId, query) {
      const { rows } = await pool.query<StoredRow>(
        `SELECT * FROM webhook_deliveries
         WHERE account_id = $1 AND ($2::text IS NULL OR endpoint_id = $2) AND ($3::text IS NULL OR event_id = $3)
           AND ($4::text IS NULL OR status = $4)
         ORDER BY created_at DESC, id DESC LIMIT $5`,
        [accountId, query.endpointId ?? null, query.eventId ?? null, query.status ?? null, query.limit],
      );
      return rows.map(toWebhookDeliveryRecord);
    },
    async findDelivery(accountId, id) {
      const { rows } = await pool.query<StoredRow>(
        "SELECT * FROM webhook_deliveries WHERE account_id = $1 AND id = $2",
        [accountId, id],
      );
      return rows[0] ? toWebhookDeliveryRecord(rows[0]) : undefined;
    },
    async listAttempts(deliveryIds) {
      if (deliveryIds.length === 0) return [];
      const { rows } = await pool.query<StoredRow>(
        "SELECT * FROM webhook_attempts WHERE delivery_id = ANY($1::text[]) ORDER BY delivery_id, attempt",
        [deliveryIds],
      );
      return rows.map(toWebhookAttemptRecord);
    },
    async redeliver(accountId, id, now) {
      const { rows } = await pool.query<StoredRow>(redeliverSql, [accountId, id, now]);
      return rows[0] ? toWebhookDeliveryRecord(rows[0]) : undefined;
    },
    async findSecret(accountId) {
      const { rows } = await pool.query<StoredRow>("SELECT * FROM webhook_secrets WHERE account_id = $1", [
        accountId,
      ]);
      return rows[0] ? toWebhookSecretRecord(rows[0]) : undefined;
    },
    async ensureSecret(accountId, candidate, now) {
      // Two statements on purpose: after a concurrent insert wins the conflict, only a new statement's
      // snapshot sees the winner's row.
      await pool.query(
        "INSERT INTO webhook_secrets (account_id, secret, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        [accountId, candidate, now],
      );
      const { rows } = await pool.query<StoredRow>("SELECT * FROM webhook_secrets WHERE account_id = $1", [
        accountId,
      ]);
      if (!rows[0]) throw new Error("the webhook secret vanished right after it was stored");
      return toWebhookSecretRecord(rows[0]);
    },
    async rotateSecret(accountId, secret, now, previousValidUntil) {
      const { rows } = await pool.query<StoredRow>(rotateSecretSql, [
        accountId,
        secret,
        now,
        previousValidUntil,
      ]);
      if (!rows[0]) throw new Error("rotating the webhook secret returned no row");
      return toWebhookSecretRecord(rows[0]);
    },
  };
}
