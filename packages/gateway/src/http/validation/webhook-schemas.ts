import { z } from "zod";
import { allWebhookEvents, webhookEventTypes } from "../../webhooks/webhook-event-types.ts";

/** The body of POST /v1/webhooks/endpoints. */
export const createWebhookEndpointSchema = z.strictObject({
  url: z.string().min(1).max(2048),
  /** Event types to deliver; "*" (the default) for all. */
  events: z
    .array(z.enum([...webhookEventTypes, allWebhookEvents]))
    .min(1)
    .max(webhookEventTypes.length + 1)
    .optional(),
  description: z.string().max(500).optional(),
});

/** The optional body of POST /v1/webhook-secret/rotate. */
export const rotateWebhookSecretSchema = z.strictObject({
  /** How long the old secret keeps signing too (a second v1); 0, the default, retires it at once. */
  grace_period_seconds: z
    .int()
    .min(0)
    .max(7 * 86_400)
    .optional(),
});

/** The query of GET /v1/webhooks/deliveries. */
export const listWebhookDeliveriesQuerySchema = z.looseObject({
  limit: z.coerce.number().int().min(1).max(100).optional(),
  endpoint_id: z.string().min(1).max(100).optional(),
  event_id: z.string().min(1).max(100).optional(),
  status: z.enum(["pending", "succeeded", "failed", "cancelled"]).optional(),
});
