import { test } from "node:test";
import assert from "node:assert/strict";
import type { ProviderConfig } from "../providers/provider-adapter.ts";
import { toPassthroughRequest } from "./to-passthrough-request.ts";

const config = (baseUrl: string): ProviderConfig => ({
  id: "anthropic",
  api: "anthropic",
  baseUrl,
  apiKey: "sk-ant-test",
  setupHint: "ANTHROPIC_API_KEY",
  requiresApiKey: true,
  headers: {},
  settings: {},
});

const body = {
  model: "claude-sonnet-4-5",
  max_tokens: 64,
  stream: true,
  system: [{ type: "text", text: "sys", cache_control: { type: "ephemeral" } }],
  messages: [
    {
      role: "assistant",
      content: [{ type: "thinking", thinking: "t", signature: "sig" }],
    },
  ],
  context_management: { edits: [{ type: "clear_tool_uses_20250919" }] },
};

test("forwards the body unchanged except the model, with Anthropic's headers", () => {
  const request = toPassthroughRequest(
    config("https://api.anthropic.com"),
    "messages",
    body,
    "claude-sonnet-4-5-20250929",
    { version: "2023-06-01", beta: "interleaved-thinking-2025-05-14" },
  );
  assert.equal(request.origin, "https://api.anthropic.com");
  assert.equal(request.path, "/v1/messages");
  assert.deepEqual(request.headers, {
    "content-type": "application/json",
    "anthropic-version": "2023-06-01",
    "anthropic-beta": "interleaved-thinking-2025-05-14",
    "x-api-key": "sk-ant-test",
  });
  assert.deepEqual(JSON.parse(request.body), { ...body, model: "claude-sonnet-4-5-20250929" });
});

test("combines the operator's ANTHROPIC_BETA with the client's betas; the operator's version is a default", () => {
  const withSettings = {
    ...config("https://api.anthropic.com"),
    settings: { "anthropic-version": "2024-01-01", "anthropic-beta": "context-1m-2025-08-07" },
  };
  const request = toPassthroughRequest(withSettings, "messages", body, "up", {
    version: undefined,
    beta: "interleaved-thinking-2025-05-14, context-1m-2025-08-07",
  });
  assert.equal(request.headers["anthropic-version"], "2024-01-01");
  assert.equal(request.headers["anthropic-beta"], "interleaved-thinking-2025-05-14,context-1m-2025-08-07");
});

test("accepts a base URL with or without /v1 and strips create-only fields for count_tokens", () => {
  const request = toPassthroughRequest(config("http://127.0.0.1:9/v1/"), "count_tokens", body, "up", {
    version: undefined,
    beta: undefined,
  });
  assert.equal(request.path, "/v1/messages/count_tokens");
  assert.equal(request.headers["anthropic-version"], "2023-06-01");
  const sent = JSON.parse(request.body) as Record<string, unknown>;
  assert.equal(sent.max_tokens, undefined);
  assert.equal(sent.stream, undefined);
  assert.deepEqual(sent.system, body.system);
  assert.deepEqual(sent.context_management, body.context_management);
});
