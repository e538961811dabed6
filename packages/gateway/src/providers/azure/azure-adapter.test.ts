import { test } from "node:test";
import assert from "node:assert/strict";
import { GatewayError } from "@aigateway/protocol";
import type { ProviderConfig } from "../provider-adapter.ts";
import { createAzureAdapter } from "./azure-adapter.ts";

const config = (overrides: Partial<ProviderConfig>): ProviderConfig => ({
  id: "azure",
  api: "azure",
  baseUrl: "https://myresource.openai.azure.com",
  apiKey: "azure-key",
  setupHint: "AZURE_OPENAI_API_KEY",
  requiresApiKey: true,
  headers: {},
  settings: { apiVersion: "2024-10-21" },
  ...overrides,
});
const target = { slug: "openai/gpt-4o", upstreamModel: "my gpt-4o" };
const request = { model: "openai/gpt-4o", messages: [{ role: "user" as const, content: "hi" }] };

test("addresses the deployment with api-version and the api-key header", async () => {
  const upstream = await createAzureAdapter(config({})).toChatRequest(request, target);
  assert.equal(upstream.origin, "https://myresource.openai.azure.com");
  assert.equal(upstream.path, "/openai/deployments/my%20gpt-4o/chat/completions?api-version=2024-10-21");
  assert.equal(upstream.headers["api-key"], "azure-key");
  assert.equal(upstream.headers.authorization, undefined);
  const withSuffix = createAzureAdapter(
    config({
      baseUrl: "https://myresource.openai.azure.com/openai/",
      settings: { apiVersion: "2025-04-01-preview" },
    }),
  );
  const embeddings = await withSuffix.toEmbeddingRequest?.({ model: "m", input: "x" }, target);
  assert.equal(embeddings?.path, "/openai/deployments/my%20gpt-4o/embeddings?api-version=2025-04-01-preview");
});

test("a missing resource endpoint is a 503 naming AZURE_OPENAI_BASE_URL, not a crash", async () => {
  const adapter = createAzureAdapter(config({ baseUrl: "" }));
  await assert.rejects(
    Promise.resolve(adapter.toChatRequest(request, target)),
    (error: unknown) =>
      error instanceof GatewayError && error.status === 503 && /AZURE_OPENAI_BASE_URL/.test(error.message),
  );
});
