import { GatewayError } from "@aigateway/protocol";
import { generateId } from "../accounts/api-key-format.ts";
import type {
  WebhookAttemptRecord,
  WebhookDeliveryQuery,
  WebhookDeliveryRecord,
  WebhookEndpointRecord,
  WebhookSecretRecord,
  WebhookStore,
} from "../storage/storage.ts";
import type { WebhookDispatcher } from "./webhook-dispatcher.ts";
import type { WebhookEventType } from "./webhook-event-types.ts";
import { generateWebhookSecret } from "./webhook-signature.ts";
import type { WebhookUrlGuard } from "./webhook-url-guard.ts";

export interface EnqueueEventInput {
  accountId: string;
  type: WebhookEventType;
  /** The payload's `data`; stored and sent as JSON. */
  data: unknown;
  /**
   * A per-request `webhook_url` (async job submit): delivered this event whatever the account's
   * endpoints subscribe to. Check it with `checkWebhookUrl` when the request arrives, so a bad URL is
   * a 400 then rather than a failed delivery later.
   */
  webhookUrl?: string;
}

export interface NewWebhookEndpoint {
  url: string;
  events: string[];
  description: string | null;
}

export interface DeliveryWithAttempts {
  delivery: WebhookDeliveryRecord;
  attempts: WebhookAttemptRecord[];
}

export interface WebhookService {
  /**
   * Records an event with its deliveries (one atomic write, the outbox) and wakes the dispatcher.
   * Once this resolves the event will be delivered, across crashes and restarts.
   */
  enqueueEvent(input: EnqueueEventInput): Promise<{ eventId: string; deliveries: WebhookDeliveryRecord[] }>;
  /** Validates a user-supplied webhook URL (scheme, SSRF); throws a 400 naming `param`. */
  checkWebhookUrl(url: string, param?: string): Promise<string>;
  createEndpoint(accountId: string, endpoint: NewWebhookEndpoint): Promise<WebhookEndpointRecord>;
  listEndpoints(accountId: string): Promise<WebhookEndpointRecord[]>;
  findEndpoint(accountId: string, id: string): Promise<WebhookEndpointRecord | undefined>;
  deleteEndpoint(accountId: string, id: string): Promise<boolean>;
  /** The account's secret, created on first use. */
  getSecret(accountId: string): Promise<WebhookSecretRecord>;
  /** A new secret; the old one keeps signing (as a second v1) for `gracePeriodSeconds`, 0 = dies now. */
  rotateSecret(accountId: string, gracePeriodSeconds: number): Promise<WebhookSecretRecord>;
  listDeliveries(accountId: string, query: WebhookDeliveryQuery): Promise<DeliveryWithAttempts[]>;
  findDelivery(accountId: string, id: string): Promise<DeliveryWithAttempts | undefined>;
  redeliver(accountId: string, id: string): Promise<WebhookDeliveryRecord | undefined>;
  /** The clock deliveries are scheduled by. */
  now(): number;
  /** Attempts everything due now (tests drive retries with this and an injected clock). */
  deliverDue(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
}

export interface WebhookServiceOptions {
  store: WebhookStore;
  guard: WebhookUrlGuard;
  dispatcher: WebhookDispatcher;
  now: () => number;
  maxEndpointsPerAccount?: number;
}

export function createWebhookService(options: WebhookServiceOptions): WebhookService {
  const { store, guard, dispatcher, now } = options;
  const maxEndpoints = options.maxEndpointsPerAccount ?? 20;

  async function withAttempts(deliveries: WebhookDeliveryRecord[]): Promise<DeliveryWithAttempts[]> {
    const attempts = await store.listAttempts(deliveries.map((delivery) => delivery.id));
    const byDelivery = Map.groupBy(attempts, (attempt) => attempt.deliveryId);
    return deliveries.map((delivery) => ({ delivery, attempts: byDelivery.get(delivery.id) ?? [] }));
  }

  return {
    async enqueueEvent(input) {
      const event = {
        id: generateId("evt_"),
        accountId: input.accountId,
        type: input.type,
        data: input.data,
        createdAt: now(),
      };
      const deliveries = await store.recordEvent(event, input.webhookUrl ? [input.webhookUrl] : []);
      if (deliveries.length > 0) dispatcher.wake();
      return { eventId: event.id, deliveries };
    },
    checkWebhookUrl: (url, param = "webhook_url") => guard.checkUrl(url, param),
    async createEndpoint(accountId, endpoint) {
      const url = await guard.checkUrl(endpoint.url, "url");
      const existing = await store.listEndpoints(accountId);
      if (existing.length >= maxEndpoints) {
        throw new GatewayError("invalid_request", {
          message: `An account can have at most ${maxEndpoints} webhook endpoints; delete one first.`,
        });
      }
      const record: WebhookEndpointRecord = {
        id: generateId("whe_"),
        accountId,
        url,
        events: [...new Set(endpoint.events)],
        description: endpoint.description,
        createdAt: now(),
      };
      await store.insertEndpoint(record);
      return record;
    },
    listEndpoints: (accountId) => store.listEndpoints(accountId),
    findEndpoint: (accountId, id) => store.findEndpoint(accountId, id),
    deleteEndpoint: (accountId, id) => store.deleteEndpoint(accountId, id, now()),
    getSecret: (accountId) => store.ensureSecret(accountId, generateWebhookSecret(), now()),
    rotateSecret(accountId, gracePeriodSeconds) {
      const at = now();
      return store.rotateSecret(
        accountId,
        generateWebhookSecret(),
        at,
        gracePeriodSeconds > 0 ? at + gracePeriodSeconds * 1000 : null,
      );
    },
    async listDeliveries(accountId, query) {
      return withAttempts(await store.listDeliveries(accountId, query));
    },
    async findDelivery(accountId, id) {
      const delivery = await store.findDelivery(accountId, id);
      return delivery ? (await withAttempts([delivery]))[0] : undefined;
    },
    async redeliver(accountId, id) {
      const delivery = await store.redeliver(accountId, id, now());
      if (delivery) dispatcher.wake();
      return delivery;
    },
    now,
    deliverDue: () => dispatcher.deliverDue(),
    start: () => dispatcher.start(),
    stop: () => dispatcher.stop(),
  };
}
