import { gatewayVersion } from "../gateway-version.ts";
import type { WebhookStore } from "../storage/storage.ts";
import { createWebhookDispatcher, systemTimers, type WebhookTimers } from "./webhook-dispatcher.ts";
import { createWebhookSender } from "./webhook-sender.ts";
import { createWebhookService, type WebhookService } from "./webhook-service.ts";
import { createWebhookUrlGuard, type ResolveHost } from "./webhook-url-guard.ts";

export interface WebhookSettings {
  /** Lets webhooks target private, loopback and link-local addresses (AIG_WEBHOOK_ALLOW_PRIVATE). */
  allowPrivateUrls: boolean;
  pollIntervalMs: number;
  /** Per attempt: connect, answer and body together. */
  timeoutMs: number;
}

export interface CreateWebhooksOptions {
  store: WebhookStore;
  settings: WebhookSettings;
  now: () => number;
  log: (message: string, details?: Record<string, unknown>) => void;
  timers?: WebhookTimers;
  resolveHost?: ResolveHost;
}

/** Wires the URL guard, sender, dispatcher and service; the caller starts and stops it. */
export function createWebhooks(options: CreateWebhooksOptions): WebhookService {
  const guard = createWebhookUrlGuard({
    allowPrivate: options.settings.allowPrivateUrls,
    ...(options.resolveHost ? { resolveHost: options.resolveHost } : {}),
  });
  const dispatcher = createWebhookDispatcher({
    store: options.store,
    sender: createWebhookSender({ guard, timeoutMs: options.settings.timeoutMs }),
    now: options.now,
    timers: options.timers ?? systemTimers,
    pollIntervalMs: options.settings.pollIntervalMs,
    leaseMs: options.settings.timeoutMs + 50_000,
    userAgent: `aigateway-webhooks/${gatewayVersion}`,
    log: options.log,
  });
  return createWebhookService({ store: options.store, guard, dispatcher, now: options.now });
}
