import type { FastifyInstance, FastifyRequest } from "fastify";
import { GatewayError } from "@aigateway/protocol";
import type { Principal } from "../../accounts/key-service.ts";
import type { WebhookEndpointRecord, WebhookSecretRecord } from "../../storage/storage.ts";
import { allWebhookEvents } from "../../webhooks/webhook-event-types.ts";
import { maxWebhookAttempts } from "../../webhooks/webhook-retry-schedule.ts";
import type { DeliveryWithAttempts, WebhookService } from "../../webhooks/webhook-service.ts";
import { requirePrincipal } from "../middleware/authenticate.ts";
import { parseWithSchema } from "../validation/parse-with-schema.ts";
import {
  createWebhookEndpointSchema,
  listWebhookDeliveriesQuerySchema,
  rotateWebhookSecretSchema,
} from "../validation/webhook-schemas.ts";

const toSeconds = (milliseconds: number | null): number | null =>
  milliseconds === null ? null : Math.floor(milliseconds / 1000);

function toEndpointObject(record: WebhookEndpointRecord) {
  return {
    id: record.id,
    object: "webhook_endpoint" as const,
    url: record.url,
    events: record.events,
    description: record.description,
    created_at: toSeconds(record.createdAt),
  };
}

function toSecretObject(record: WebhookSecretRecord, now: number) {
  const graceRunning = record.previousSecretExpiresAt !== null && record.previousSecretExpiresAt > now;
  return {
    object: "webhook_secret" as const,
    secret: record.secret,
    previous_secret_expires_at: graceRunning ? toSeconds(record.previousSecretExpiresAt) : null,
    rotated_at: toSeconds(record.rotatedAt),
  };
}

function toDeliveryObject({ delivery, attempts }: DeliveryWithAttempts) {
  return {
    id: delivery.id,
    object: "webhook_delivery" as const,
    event_id: delivery.eventId,
    event_type: delivery.eventType,
    endpoint_id: delivery.endpointId,
    url: delivery.url,
    status: delivery.status,
    attempt_count: delivery.attempts,
    max_attempts: maxWebhookAttempts,
    next_attempt_at: toSeconds(delivery.nextAttemptAt),
    last_attempt_at: toSeconds(delivery.lastAttemptAt),
    last_status_code: delivery.lastStatusCode,
    last_error: delivery.lastError,
    created_at: toSeconds(delivery.createdAt),
    completed_at: toSeconds(delivery.completedAt),
    redelivery_of: delivery.redeliveryOf,
    attempts: attempts.map((attempt) => ({
      attempt: attempt.attempt,
      attempted_at: toSeconds(attempt.attemptedAt),
      status_code: attempt.statusCode,
      error: attempt.error,
      duration_ms: attempt.durationMs,
    })),
  };
}

function requireWebhookOwner(request: FastifyRequest): Principal {
  const principal = requirePrincipal(request);
  if (principal.role !== "owner") {
    throw new GatewayError("permission_denied", {
      message: "Only an owner key can change webhook endpoints or rotate the webhook secret.",
    });
  }
  return principal;
}

const notFound = (what: string, id: string): GatewayError =>
  new GatewayError("not_found", { param: "id", message: `No ${what} '${id}' in this account.` });

/** Webhook endpoints, the signing secret and the delivery log of the calling account. */
export function registerWebhooksRoutes(app: FastifyInstance, webhooks: WebhookService): void {
  app.get("/v1/webhook-secret", async (request) => {
    const principal = requirePrincipal(request);
    return toSecretObject(await webhooks.getSecret(principal.accountId), webhooks.now());
  });
  app.post("/v1/webhook-secret/rotate", async (request) => {
    const principal = requireWebhookOwner(request);
    const body = parseWithSchema(rotateWebhookSecretSchema, request.body ?? {});
    const record = await webhooks.rotateSecret(principal.accountId, body.grace_period_seconds ?? 0);
    return toSecretObject(record, webhooks.now());
  });

  app.post("/v1/webhooks/endpoints", async (request, reply) => {
    const principal = requireWebhookOwner(request);
    const body = parseWithSchema(createWebhookEndpointSchema, request.body ?? {});
    const record = await webhooks.createEndpoint(principal.accountId, {
      url: body.url,
      events: body.events ?? [allWebhookEvents],
      description: body.description ?? null,
    });
    return reply.code(201).send(toEndpointObject(record));
  });
  app.get("/v1/webhooks/endpoints", async (request) => {
    const principal = requirePrincipal(request);
    const records = await webhooks.listEndpoints(principal.accountId);
    return { object: "list", data: records.map(toEndpointObject) };
  });
  app.get("/v1/webhooks/endpoints/:id", async (request) => {
    const principal = requirePrincipal(request);
    const { id } = request.params as { id: string };
    const record = await webhooks.findEndpoint(principal.accountId, id);
    if (!record) throw notFound("webhook endpoint", id);
    return toEndpointObject(record);
  });
  app.delete("/v1/webhooks/endpoints/:id", async (request) => {
    const principal = requireWebhookOwner(request);
    const { id } = request.params as { id: string };
    if (!(await webhooks.deleteEndpoint(principal.accountId, id))) throw notFound("webhook endpoint", id);
    return { id, object: "webhook_endpoint", deleted: true };
  });

  app.get("/v1/webhooks/deliveries", async (request) => {
    const principal = requirePrincipal(request);
    const query = parseWithSchema(listWebhookDeliveriesQuerySchema, request.query);
    const deliveries = await webhooks.listDeliveries(principal.accountId, {
      limit: query.limit ?? 20,
      ...(query.endpoint_id ? { endpointId: query.endpoint_id } : {}),
      ...(query.event_id ? { eventId: query.event_id } : {}),
      ...(query.status ? { status: query.status } : {}),
    });
    return { object: "list", data: deliveries.map(toDeliveryObject) };
  });
  app.get("/v1/webhooks/deliveries/:id", async (request) => {
    const principal = requirePrincipal(request);
    const { id } = request.params as { id: string };
    const delivery = await webhooks.findDelivery(principal.accountId, id);
    if (!delivery) throw notFound("webhook delivery", id);
    return toDeliveryObject(delivery);
  });
  app.post("/v1/webhooks/deliveries/:id/redeliver", async (request, reply) => {
    const principal = requirePrincipal(request);
    const { id } = request.params as { id: string };
    const delivery = await webhooks.redeliver(principal.accountId, id);
    if (!delivery) throw notFound("webhook delivery", id);
    return reply.code(201).send(toDeliveryObject({ delivery, attempts: [] }));
  });
}
