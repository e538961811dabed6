// The published OpenAPI document describes exactly what the server routes.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { startTestGateway, type TestGateway } from "./support/start-test-gateway.ts";

interface OpenApi {
  openapi: string;
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }> };
}

// Every route the gateway registers, in OpenAPI path syntax.
const servedOperations = [
  "post /v1/chat/completions",
  "post /v1/messages",
  "post /v1/messages/count_tokens",
  "post /anthropic/v1/messages",
  "post /anthropic/v1/messages/count_tokens",
  "post /v1/embeddings",
  "get /v1/models",
  "get /v1/models/{lab}/{model}",
  "get /v1/models/{lab}/{model}/schema",
  "get /v1/capabilities",
  "get /llms.txt",
  "get /llms-full.txt",
  "post /v1/keys",
  "get /v1/keys",
  "delete /v1/keys/{id}",
  "post /v1/keys/{id}/rotate",
  "get /v1/usage/recent",
  "get /v1/usage/by-tag",
  "get /v1/usage/by-sub-account",
  "get /v1/usage/stream",
  "post /v1/admin/accounts",
  "get /v1/admin/accounts",
  "get /v1/admin/accounts/{id}",
  "patch /v1/admin/accounts/{id}",
  "post /v1/admin/accounts/{id}/keys",
  "post /v1/sub-accounts",
  "get /v1/sub-accounts",
  "get /v1/sub-accounts/{id}",
  "patch /v1/sub-accounts/{id}",
  "delete /v1/sub-accounts/{id}",
  "get /v1/sub-accounts/{id}/usage",
  "post /v1/budgets",
  "get /v1/budgets",
  "delete /v1/budgets/{tag}",
  "get /v1/balance",
  "post /v1/files",
  "get /v1/files",
  "get /v1/files/{id}",
  "delete /v1/files/{id}",
  "get /v1/files/{id}/content",
  "get /v1/files/jobs/{job_id}/{filename}",
  "get /v1/files/jobs/{job_id}/{filename}/signed",
  "get /v1/files/jobs/{job_id}/{filename}/public",
  "get /v1/webhook-secret",
  "post /v1/webhook-secret/rotate",
  "post /v1/webhooks/endpoints",
  "get /v1/webhooks/endpoints",
  "get /v1/webhooks/endpoints/{id}",
  "delete /v1/webhooks/endpoints/{id}",
  "get /v1/webhooks/deliveries",
  "get /v1/webhooks/deliveries/{id}",
  "post /v1/webhooks/deliveries/{id}/redeliver",
  "post /v1/videos/generations",
  "post /v1/audio/music",
  "post /v1/3d/generations",
  "post /v1/audio/transcriptions",
  "get /v1/jobs/{id}",
  "delete /v1/jobs/{id}",
  "post /v1/jobs/{id}/cancel",
  "post /v1/batches",
  "get /v1/batches",
  "get /v1/batches/{id}",
  "post /v1/batches/{id}/cancel",
  "get /v1/health/providers",
  "delete /v1/cache",
  "get /health",
  "get /ready",
  "get /openapi.json",
];

const toFastifyPath = (path: string): string =>
  path.startsWith("/v1/models/{lab}/{model}") ? "/v1/models/*" : path.replace(/\{(\w+)\}/g, ":$1");

describe("OpenAPI document", () => {
  let gateway: TestGateway;
  let document: OpenApi;

  before(async () => {
    gateway = await startTestGateway();
    const response = await fetch(`${gateway.baseUrl}/openapi.json`);
    assert.equal(response.status, 200);
    document = (await response.json()) as OpenApi;
  });
  after(() => gateway.close());

  it("lists every served operation and nothing the server does not route", () => {
    assert.equal(document.openapi, "3.1.0");
    const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method} ${path}`),
    );
    assert.deepEqual(documented.sort(), [...servedOperations].sort());
    for (const operation of documented) {
      const [method = "", path = ""] = operation.split(" ");
      const routed = gateway.gateway.app.hasRoute({
        method: method.toUpperCase(),
        url: toFastifyPath(path),
      });
      assert.ok(routed, `${operation} is routed`);
    }
  });

  it("derives request bodies from the validation schemas", () => {
    const chat = document.components.schemas.ChatCompletionRequest;
    // `model` may be omitted: the Auto Router picks one.
    assert.deepEqual(chat?.required?.sort(), ["messages"]);
    assert.ok(chat?.properties?.response_format);
    assert.ok(document.components.schemas.EmbeddingRequest?.properties?.dimensions);
  });
});
