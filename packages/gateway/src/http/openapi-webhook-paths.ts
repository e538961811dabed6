// The webhooks part of the OpenAPI document (see openapi-document.ts). Request bodies come from the
// zod schemas that validate them.
import { webhookEventTypes } from "../webhooks/webhook-event-types.ts";
import {
  createWebhookEndpointSchema,
  listWebhookDeliveriesQuerySchema,
  rotateWebhookSecretSchema,
} from "./validation/webhook-schemas.ts";
import {
  error,
  idParameter,
  json,
  list,
  reference,
  toJsonSchema,
  unauthorized,
} from "./openapi-building-blocks.ts";

const notOwner = error("Not an owner key");

const deliveryQuery = toJsonSchema(listWebhookDeliveriesQuerySchema) as {
  properties: Record<string, unknown>;
};

export const webhookSchemas = {
  CreateWebhookEndpointRequest: toJsonSchema(createWebhookEndpointSchema),
  RotateWebhookSecretRequest: toJsonSchema(rotateWebhookSecretSchema),
  WebhookEndpoint: {
    type: "object",
    properties: {
      id: { type: "string", examples: ["whe_…"] },
      object: { const: "webhook_endpoint" },
      url: { type: "string" },
      events: { type: "array", items: { enum: [...webhookEventTypes, "*"] } },
      description: { type: ["string", "null"] },
      created_at: { type: "integer" },
    },
  },
  WebhookSecret: {
    type: "object",
    properties: {
      object: { const: "webhook_secret" },
      secret: { type: "string", examples: ["whsec_…"] },
      previous_secret_expires_at: {
        type: ["integer", "null"],
        description: "While set, deliveries carry a second v1 signed with the previous secret",
      },
      rotated_at: { type: ["integer", "null"] },
    },
  },
  WebhookDelivery: {
    type: "object",
    properties: {
      id: { type: "string", description: "The `x-aig-delivery-id` of every attempt", examples: ["whd_…"] },
      object: { const: "webhook_delivery" },
      event_id: { type: "string" },
      event_type: { type: "string" },
      endpoint_id: { type: ["string", "null"], description: "Null for a per-request `webhook_url`" },
      url: { type: "string" },
      status: { enum: ["pending", "succeeded", "failed", "cancelled"] },
      attempt_count: { type: "integer" },
      max_attempts: { type: "integer" },
      next_attempt_at: { type: ["integer", "null"] },
      last_attempt_at: { type: ["integer", "null"] },
      last_status_code: { type: ["integer", "null"] },
      last_error: { type: ["string", "null"] },
      created_at: { type: "integer" },
      completed_at: { type: ["integer", "null"] },
      redelivery_of: { type: ["string", "null"] },
      attempts: {
        type: "array",
        items: {
          type: "object",
          properties: {
            attempt: { type: "integer" },
            attempted_at: { type: "integer" },
            status_code: { type: ["integer", "null"] },
            error: { type: ["string", "null"] },
            duration_ms: { type: "integer" },
          },
        },
      },
    },
  },
};

export const webhookPaths = {
  "/v1/webhook-secret": {
    get: {
      summary: "The account's webhook signing secret (created on first read)",
      responses: {
        "200": { description: "The secret", content: json(reference("WebhookSecret")) },
        "401": unauthorized,
      },
    },
  },
  "/v1/webhook-secret/rotate": {
    post: {
      summary: "Replace the signing secret; the old one dies at once unless a grace period is given",
      requestBody: { required: false, content: json(reference("RotateWebhookSecretRequest")) },
      responses: {
        "200": { description: "The new secret", content: json(reference("WebhookSecret")) },
        "400": error("Invalid grace period"),
        "401": unauthorized,
        "403": notOwner,
      },
    },
  },
  "/v1/webhooks/endpoints": {
    post: {
      summary: "Register an endpoint for some event types (SSRF-checked: public addresses only)",
      requestBody: { required: true, content: json(reference("CreateWebhookEndpointRequest")) },
      responses: {
        "201": { description: "The endpoint", content: json(reference("WebhookEndpoint")) },
        "400": error("Invalid URL or event type, or a URL that is not publicly reachable"),
        "401": unauthorized,
        "403": notOwner,
      },
    },
    get: {
      summary: "List the account's endpoints",
      responses: {
        "200": { description: "Endpoints", content: list("WebhookEndpoint") },
        "401": unauthorized,
      },
    },
  },
  "/v1/webhooks/endpoints/{id}": {
    get: {
      summary: "Get an endpoint",
      parameters: [idParameter],
      responses: {
        "200": { description: "The endpoint", content: json(reference("WebhookEndpoint")) },
        "401": unauthorized,
        "404": error("No such endpoint in this account"),
      },
    },
    delete: {
      summary: "Delete an endpoint; its pending deliveries are cancelled",
      parameters: [idParameter],
      responses: {
        "200": { description: '`{id, object: "webhook_endpoint", deleted: true}`' },
        "401": unauthorized,
        "403": notOwner,
        "404": error("No such endpoint in this account"),
      },
    },
  },
  "/v1/webhooks/deliveries": {
    get: {
      summary: "Deliveries with their attempts, newest first",
      parameters: Object.entries(deliveryQuery.properties).map(([name, schema]) => ({
        name,
        in: "query",
        required: false,
        schema,
      })),
      responses: {
        "200": { description: "Deliveries", content: list("WebhookDelivery") },
        "400": error("Invalid query"),
        "401": unauthorized,
      },
    },
  },
  "/v1/webhooks/deliveries/{id}": {
    get: {
      summary: "Get a delivery with its attempts",
      parameters: [idParameter],
      responses: {
        "200": { description: "The delivery", content: json(reference("WebhookDelivery")) },
        "401": unauthorized,
        "404": error("No such delivery in this account"),
      },
    },
  },
  "/v1/webhooks/deliveries/{id}/redeliver": {
    post: {
      summary: "Send the delivery's event to its URL again, as a new delivery with a fresh schedule",
      parameters: [idParameter],
      responses: {
        "201": { description: "The new delivery", content: json(reference("WebhookDelivery")) },
        "401": unauthorized,
        "404": error("No such delivery in this account"),
      },
    },
  },
};
