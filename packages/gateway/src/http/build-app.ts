import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import Fastify, { type FastifyInstance } from "fastify";
import { GatewayError } from "@aigateway/protocol";
import type { KeyService } from "../accounts/key-service.ts";
import type { Catalog } from "../catalog/catalog.ts";
import type { ChatService } from "../chat/chat-service.ts";
import type { MessagesService } from "../messages/messages-service.ts";
import type { EmbeddingService } from "../embeddings/embedding-service.ts";
import type { ProviderRegistry } from "../routing/provider-registry.ts";
import type { Storage } from "../storage/storage.ts";
import type { UsageWriter } from "../usage/usage-writer.ts";
import type { FileService } from "../files/file-service.ts";
import { createErrorHandler, type Logger } from "./error-response.ts";
import { createAuthenticateHook } from "./middleware/authenticate.ts";
import { createRateLimitHook } from "./middleware/enforce-rate-limit.ts";
import type { AccountDirectory } from "../accounts/account-directory.ts";
import type { AccountService } from "../accounts/account-service.ts";
import type { RateLimiter } from "../accounts/rate-limiter.ts";
import { registerAdminRoutes } from "./routes/admin-routes.ts";
import { registerBalanceRoute } from "./routes/balance-route.ts";
import { registerBudgetsRoutes } from "./routes/budgets-routes.ts";
import { registerSubAccountsRoutes } from "./routes/sub-accounts-routes.ts";
import { registerChatCompletionsRoute } from "./routes/chat-completions-route.ts";
import { registerMessagesRoutes } from "./routes/messages-routes.ts";
import { registerEmbeddingsRoute } from "./routes/embeddings-route.ts";
import { registerPublicRoutes } from "./routes/public-routes.ts";
import { registerKeysRoutes } from "./routes/keys-routes.ts";
import { registerModelsRoutes } from "./routes/models-route.ts";
import { registerCapabilitiesRoute } from "./routes/capabilities-route.ts";
import { registerLlmsTextRoutes } from "./routes/llms-txt-route.ts";
import { registerUsageRoutes } from "./routes/usage-routes.ts";
import { registerUsageStreamRoute } from "./routes/usage-stream-route.ts";
import type { LiveUsage } from "../usage/live-usage.ts";
import { registerFilesRoutes, registerPublicFileRoutes } from "./routes/files-routes.ts";
import { registerWebhooksRoutes } from "./routes/webhooks-routes.ts";
import type { WebhookService } from "../webhooks/webhook-service.ts";
import type { JobService } from "../jobs/job-service.ts";
import type { BatchService } from "../batches/batch-service.ts";
import { registerJobsRoutes } from "./routes/jobs-routes.ts";
import { registerBatchesRoutes } from "./routes/batches-routes.ts";
import type { Router } from "../routing/create-router.ts";
import type { ResponseCache } from "../cache/response-cache.ts";
import { registerRoutingRoutes } from "./routes/routing-routes.ts";

export interface AppDependencies {
  bodyLimitBytes: number;
  storage: Storage;
  catalog: Catalog;
  providers: ProviderRegistry;
  keys: KeyService;
  chat: ChatService;
  messages: MessagesService;
  embeddings: EmbeddingService;
  usage: UsageWriter;
  liveUsage: LiveUsage;
  log: Logger;
  files: FileService;
  /** Origin put in front of signed URLs; unset means the origin each request came to. */
  publicBaseUrl: string | undefined;
  webhooks: WebhookService;
  accounts: AccountService;
  directory: AccountDirectory;
  rateLimiter: RateLimiter;
  jobs: JobService;
  batches: BatchService;
  /** Live route health and breakers (GET /v1/health/providers). */
  router: Router;
  /** The response cache (DELETE /v1/cache). */
  cache: ResponseCache;
}

const requestIdPattern = /^[\w.:-]{1,128}$/;

function readRequestId(header: string | string[] | undefined): string {
  return typeof header === "string" && requestIdPattern.test(header)
    ? header
    : `req_${randomUUID().replaceAll("-", "")}`;
}

/** The only place that knows Fastify: wires hooks, parsers, the error renderer and the routes. */
export function buildApp(dependencies: AppDependencies): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: dependencies.bodyLimitBytes,
    genReqId: (request) => readRequestId(request.headers["x-request-id"]),
    return503OnClosing: true,
    forceCloseConnections: "idle",
  });

  app.decorateRequest("principal", null);
  app.decorateRequest("startedAt", 0);
  // Plain JSON.parse: bodies are validated by zod right after, so the prototype-poisoning scan of the
  // default parser is redundant work on every request.
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) => {
    if (typeof body !== "string" || body.length === 0) {
      done(
        new GatewayError("invalid_request", {
          message: "The request body is empty; expected a JSON object.",
        }),
      );
      return;
    }
    try {
      done(null, JSON.parse(body));
    } catch (error) {
      done(
        new GatewayError("invalid_request", {
          message: `The request body is not valid JSON: ${(error as Error).message}`,
        }),
      );
    }
  });

  app.addHook("onRequest", async (request, reply) => {
    request.startedAt = performance.now();
    void reply.header("x-request-id", request.id);
  });
  app.setErrorHandler(createErrorHandler(dependencies.log));
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({
      error: {
        message: `No route for ${request.method} ${request.url.split("?")[0] ?? ""}.`,
        type: "not_found_error",
        code: 404,
        param: null,
      },
    });
  });

  registerPublicRoutes(app, dependencies.storage);
  registerPublicFileRoutes(app, dependencies.files);
  registerLlmsTextRoutes(app, dependencies.catalog);
  void app.register(async (authenticated) => {
    authenticated.addHook("preHandler", createAuthenticateHook(dependencies.keys, dependencies.directory));
    authenticated.addHook("preHandler", createRateLimitHook(dependencies.rateLimiter));
    registerAdminRoutes(authenticated, dependencies.accounts, dependencies.catalog);
    registerSubAccountsRoutes(authenticated, dependencies.accounts, dependencies.catalog);
    registerBudgetsRoutes(authenticated, dependencies.accounts);
    registerBalanceRoute(authenticated, dependencies.accounts);
    registerChatCompletionsRoute(authenticated, dependencies.chat);
    registerMessagesRoutes(authenticated, dependencies.messages, dependencies.log);
    registerEmbeddingsRoute(authenticated, dependencies.embeddings);
    registerRoutingRoutes(authenticated, dependencies.router, dependencies.cache);
    registerModelsRoutes(authenticated, dependencies.catalog, dependencies.providers);
    registerCapabilitiesRoute(authenticated, dependencies.catalog);
    registerKeysRoutes(authenticated, dependencies.keys);
    registerUsageRoutes(authenticated, dependencies.storage.usage, dependencies.usage, dependencies.accounts);
    registerUsageStreamRoute(authenticated, dependencies.liveUsage);
    registerFilesRoutes(authenticated, dependencies.files, { publicBaseUrl: dependencies.publicBaseUrl });
    registerWebhooksRoutes(authenticated, dependencies.webhooks);
    registerJobsRoutes(authenticated, dependencies.jobs, dependencies.webhooks, {
      publicBaseUrl: dependencies.publicBaseUrl,
    });
    registerBatchesRoutes(authenticated, dependencies.batches);
  });
  return app;
}
