import { capabilities, modalities } from "../catalog/catalog-schema.ts";
import { chatRequestSchema } from "./validation/chat-request-schema.ts";
import { createKeySchema } from "./validation/create-key-schema.ts";
import { filePaths, fileSchemas } from "./openapi-files-paths.ts";
import { webhookPaths, webhookSchemas } from "./openapi-webhook-paths.ts";
import { jobPaths, jobSchemas } from "./openapi-jobs-paths.ts";
import { accountPaths, accountSchemas } from "./openapi-account-paths.ts";
import { embeddingRequestSchema } from "./validation/embedding-request-schema.ts";
import { countTokensRequestSchema, messagesRequestSchema } from "./validation/messages-request-schema.ts";
import { idParameter, json, list, reference, toJsonSchema } from "./openapi-building-blocks.ts";

// The OpenAPI 3.1 description of what this gateway serves. Request bodies come from the same zod
// schemas that validate them, so the document cannot drift from what the server accepts.

const errorResponse = (description: string) => ({
  description,
  headers: { "x-request-id": { $ref: "#/components/headers/RequestId" } },
  content: json(reference("Error")),
});

const commonErrors = {
  "400": errorResponse("Invalid request (the `param` names the field)"),
  "401": errorResponse("Missing, unknown or revoked API key"),
  "413": errorResponse("Request body too large"),
};

const providerErrors = {
  "404": errorResponse("Unknown model (`model_not_found`, with suggestions)"),
  "429": errorResponse("The provider rate-limited the request (Retry-After when the provider sent one)"),
  "502": errorResponse("The provider failed or could not be reached"),
  "503": errorResponse("No provider serving this model is configured (names the variable to set)"),
  "504": errorResponse("The provider timed out"),
};

const successHeaders = {
  "x-request-id": { $ref: "#/components/headers/RequestId" },
  "x-cost-cents": {
    description: "Cost of the request in US cents, up to 6 decimals (non-streamed answers).",
    schema: { type: "string" },
  },
  "x-aig-provider": { description: "The provider that served the request.", schema: { type: "string" } },
  "x-aig-warning": {
    description: "Parameters dropped because the model does not support them.",
    schema: { type: "string" },
  },
  "x-aig-served-by": {
    description: "The model that answered (after any fallback).",
    schema: { type: "string" },
  },
  "x-aig-attempts": {
    description: "Upstream attempts, retries and fallbacks included.",
    schema: { type: "string" },
  },
  "x-aig-route-policy": { description: "The routing policy applied.", schema: { type: "string" } },
  "x-aig-cache": {
    description: "`hit` or `miss` when the response cache is on.",
    schema: { type: "string" },
  },
};

const routingRequestHeaders = [
  {
    name: "x-cache",
    in: "header",
    required: false,
    description: "Response cache: `auto` (deterministic requests only), `force` or `skip`.",
    schema: { enum: ["auto", "force", "skip"] },
  },
  {
    name: "x-routing",
    in: "header",
    required: false,
    description: "Auto Router bias (header form of the body field).",
    schema: { enum: ["cost", "speed", "quality", "auto"] },
  },
  {
    name: "x-baseline-model",
    in: "header",
    required: false,
    description: "Auto Router cost ceiling and savings yardstick (header form of `baseline_model`).",
    schema: { type: "string" },
  },
];

const requestHeaders = [
  {
    name: "x-aig-tag",
    in: "header",
    required: false,
    description: "Cost-attribution label, 1–64 printable ASCII characters.",
    schema: { type: "string", maxLength: 64 },
  },
  { $ref: "#/components/parameters/RequestIdHeader" },
];

const modelPathParameters = [
  { name: "lab", in: "path", required: true, schema: { type: "string" } },
  { name: "model", in: "path", required: true, schema: { type: "string" } },
];

const modelFilterParameters = [
  {
    name: "modality",
    in: "query",
    required: false,
    schema: { enum: [...modalities, "audio-stt", "audio-tts"] },
  },
  {
    name: "provider",
    in: "query",
    required: false,
    description: "A serving provider id or a lab (`anthropic` lists Claude wherever it is served)",
    schema: { type: "string" },
  },
  { name: "lab", in: "query", required: false, schema: { type: "string" } },
  { name: "capability", in: "query", required: false, schema: { enum: [...capabilities] } },
];

// Anthropic's Messages API: errors in Anthropic's envelope, auth by x-api-key or Bearer.
const anthropicError = (description: string) => ({
  description,
  content: json(reference("AnthropicError")),
});

const anthropicHeaders = [
  ...requestHeaders,
  {
    name: "anthropic-version",
    in: "header",
    required: false,
    schema: { type: "string", examples: ["2023-06-01"] },
  },
  { name: "anthropic-beta", in: "header", required: false, schema: { type: "string" } },
];

const messagesOperation = {
  post: {
    summary:
      "Anthropic Messages API for any catalog model (JSON, or Anthropic's SSE events with `stream: true`); Anthropic-routed models are forwarded unchanged",
    parameters: anthropicHeaders,
    requestBody: { required: true, content: json(reference("MessagesRequest")) },
    responses: {
      "200": {
        description:
          "An Anthropic `message`, or the event stream message_start … message_stop; a failure after the stream started arrives as an `error` event.",
        headers: successHeaders,
        content: { "application/json": { schema: { type: "object" } }, "text/event-stream": {} },
      },
      "400": anthropicError("invalid_request_error"),
      "401": anthropicError("authentication_error"),
      "404": anthropicError("not_found_error (unknown model)"),
      "429": anthropicError("rate_limit_error"),
      "502": anthropicError("api_error (the provider failed)"),
      "503": anthropicError("overloaded_error (no provider configured, or the provider is overloaded)"),
    },
  },
};

const countTokensOperation = {
  post: {
    summary:
      "Count input tokens: Anthropic's exact count for Anthropic-routed models, else the gateway's estimate (header x-aig-token-count)",
    parameters: anthropicHeaders,
    requestBody: { required: true, content: json(reference("CountTokensRequest")) },
    responses: {
      "200": { description: "`{input_tokens}`", content: json({ type: "object" }) },
      "400": anthropicError("invalid_request_error"),
      "401": anthropicError("authentication_error"),
      "404": anthropicError("not_found_error (unknown model)"),
    },
  },
};

export function buildOpenApiDocument(version: string): Record<string, unknown> {
  return {
    openapi: "3.1.0",
    info: {
      title: "AIgateway",
      version,
      description:
        "An OpenAI-compatible gateway in front of many model providers. Errors use the OpenAI envelope.",
    },
    security: [{ bearerAuth: [] }, { apiKeyHeader: [] }],
    paths: {
      "/v1/chat/completions": {
        post: {
          summary: "Create a chat completion (JSON, or server-sent events with `stream: true`)",
          parameters: [...requestHeaders, ...routingRequestHeaders],
          requestBody: { required: true, content: json(reference("ChatCompletionRequest")) },
          responses: {
            "200": {
              description:
                'A `chat.completion`, or an SSE stream of `chat.completion.chunk` ending with a usage chunk and `[DONE]`; a failure after the stream started arrives as a `data: {"error": …}` event.',
              headers: successHeaders,
              content: { "application/json": { schema: { type: "object" } }, "text/event-stream": {} },
            },
            ...commonErrors,
            ...providerErrors,
          },
        },
      },
      "/v1/messages": messagesOperation,
      "/v1/messages/count_tokens": countTokensOperation,
      "/anthropic/v1/messages": messagesOperation,
      "/anthropic/v1/messages/count_tokens": countTokensOperation,
      "/v1/embeddings": {
        post: {
          summary: "Create embeddings",
          parameters: requestHeaders,
          requestBody: { required: true, content: json(reference("EmbeddingRequest")) },
          responses: {
            "200": { description: "An OpenAI embeddings list with `usage.cost`", headers: successHeaders },
            ...commonErrors,
            ...providerErrors,
          },
        },
      },
      "/v1/models": {
        get: {
          summary: "List the catalog",
          parameters: modelFilterParameters,
          responses: {
            "200": {
              description: "OpenAI list of models with modality, context window, pricing, capabilities",
              content: list("Model"),
            },
            "400": errorResponse("Unknown filter value (the `param` names the query parameter)"),
            "401": commonErrors["401"],
          },
        },
      },
      "/v1/models/{lab}/{model}": {
        get: {
          summary: "Get one model by its slug, with its invocation `schema` block",
          parameters: modelPathParameters,
          responses: {
            "200": { description: "The model", content: json(reference("Model")) },
            "401": commonErrors["401"],
            "404": errorResponse("Unknown model"),
          },
        },
      },
      "/v1/models/{lab}/{model}/schema": {
        get: {
          summary: "How to call one model: endpoint, request and response examples, quirks, snippets",
          parameters: modelPathParameters,
          responses: {
            "200": { description: "The invocation schema", content: json(reference("InvocationSchema")) },
            "401": commonErrors["401"],
            "404": errorResponse("Unknown model"),
          },
        },
      },
      "/v1/capabilities": {
        get: {
          summary: "The capability vocabulary, each modality's endpoint, and catalog counts",
          responses: {
            "200": {
              description:
                "`{data: [{id, description, endpoint, model_count}], modalities, endpoints, counts}`",
            },
            "401": commonErrors["401"],
          },
        },
      },
      "/v1/health/providers": {
        get: {
          summary: "Live health of every usable route: success rate, p50 latency, throughput, breaker state",
          parameters: [
            { name: "provider", in: "query", required: false, schema: { type: "string" } },
            { name: "model", in: "query", required: false, schema: { type: "string" } },
          ],
          responses: {
            "200": {
              description:
                "`{providers: [{provider, routes, open_routes, requests, failures, status}], data: [{model, provider, upstream_id, breaker: {state, consecutive_failures, retry_at}, requests, successes, failures, success_rate, p50_latency_ms, throughput_tokens_per_second, last_attempt_at}]}`",
            },
            "400": errorResponse("Unknown query parameter"),
            "401": commonErrors["401"],
          },
        },
      },
      "/v1/cache": {
        delete: {
          summary: "Flush the response cache entries of the calling key's billing account",
          responses: {
            "200": { description: '`{object: "cache.flush", account_id, deleted}`' },
            "401": commonErrors["401"],
          },
        },
      },
      "/v1/keys": {
        post: {
          summary: "Mint a key for the calling account (owner keys only); the plaintext is returned once",
          requestBody: { required: false, content: json(reference("CreateKeyRequest")) },
          responses: {
            "201": { description: "The key, with `key` (plaintext)", content: json(reference("ApiKey")) },
            ...commonErrors,
            "403": errorResponse("Not an owner key"),
          },
        },
        get: {
          summary: "List the account's keys (without secrets)",
          responses: {
            "200": {
              description: "Keys",
              content: json({
                type: "object",
                properties: { data: { type: "array", items: reference("ApiKey") } },
              }),
            },
            "401": commonErrors["401"],
            "403": errorResponse("Not an owner key"),
          },
        },
      },
      "/v1/keys/{id}": {
        delete: {
          summary: "Revoke a key; effective on its next request",
          parameters: [idParameter],
          responses: {
            "200": { description: '`{id, object: "api_key", deleted: true}`' },
            "401": commonErrors["401"],
            "403": errorResponse("Not an owner key"),
            "404": errorResponse("No such key in this account"),
          },
        },
      },
      "/v1/keys/{id}/rotate": {
        post: {
          summary:
            "Mint a successor; the old key works until the new one is first used (`key.rotated` event)",
          parameters: [idParameter],
          responses: {
            "201": {
              description: "The new key, with `key` and `replaces`",
              content: json(reference("ApiKey")),
            },
            "401": commonErrors["401"],
            "403": errorResponse("Not an owner key"),
            "404": errorResponse("No such active key in this account"),
          },
        },
      },
      "/v1/usage/recent": {
        get: {
          summary: "The account's latest requests",
          parameters: [
            {
              name: "limit",
              in: "query",
              required: false,
              schema: { type: "integer", minimum: 1, maximum: 1000, default: 100 },
            },
          ],
          responses: {
            "200": {
              description: "Usage rows, newest first",
              content: json({
                type: "object",
                properties: { data: { type: "array", items: reference("UsageRow") } },
              }),
            },
            "400": commonErrors["400"],
            "401": commonErrors["401"],
          },
        },
      },
      ...filePaths,
      ...webhookPaths,
      ...jobPaths,
      ...accountPaths,
      "/health": {
        get: { summary: "Liveness", security: [], responses: { "200": { description: '`{status: "ok"}`' } } },
      },
      "/ready": {
        get: {
          summary: "Readiness: storage answers",
          security: [],
          responses: { "200": { description: "Ready" }, "503": { description: "Storage unreachable" } },
        },
      },
      "/openapi.json": {
        get: { summary: "This document", security: [], responses: { "200": { description: "OpenAPI 3.1" } } },
      },
      "/llms.txt": {
        get: {
          summary: "The catalog for language models: every model with its price and capabilities",
          security: [],
          responses: { "200": { description: "Markdown", content: { "text/plain": {} } } },
        },
      },
      "/llms-full.txt": {
        get: {
          summary: "The full catalog: every model with every provider route, price, source and date",
          security: [],
          responses: { "200": { description: "Markdown", content: { "text/plain": {} } } },
        },
      },
    },
    components: {
      securitySchemes: {
        bearerAuth: { type: "http", scheme: "bearer", description: "`Authorization: Bearer sk-aig-…`" },
        apiKeyHeader: { type: "apiKey", in: "header", name: "x-api-key" },
      },
      headers: {
        RequestId: {
          description: "The client's X-Request-Id, or one generated.",
          schema: { type: "string" },
        },
      },
      parameters: {
        RequestIdHeader: {
          name: "X-Request-Id",
          in: "header",
          required: false,
          description: "Correlation id echoed back in `x-request-id` and stored in the usage log.",
          schema: { type: "string", maxLength: 128 },
        },
      },
      schemas: {
        ChatCompletionRequest: toJsonSchema(chatRequestSchema),
        EmbeddingRequest: toJsonSchema(embeddingRequestSchema),
        MessagesRequest: toJsonSchema(messagesRequestSchema),
        CountTokensRequest: toJsonSchema(countTokensRequestSchema),
        AnthropicError: {
          type: "object",
          required: ["type", "error"],
          properties: {
            type: { const: "error" },
            error: {
              type: "object",
              required: ["type", "message"],
              properties: { type: { type: "string" }, message: { type: "string" } },
            },
            request_id: { type: "string" },
          },
        },
        CreateKeyRequest: toJsonSchema(createKeySchema),
        ...fileSchemas,
        ...webhookSchemas,
        ...jobSchemas,
        ...accountSchemas,
        Error: {
          type: "object",
          required: ["error"],
          properties: {
            error: {
              type: "object",
              required: ["message", "type", "code", "param"],
              properties: {
                message: { type: "string" },
                type: { type: "string" },
                code: { type: "integer", description: "The HTTP status" },
                param: { type: ["string", "null"] },
              },
            },
          },
        },
        Model: {
          type: "object",
          properties: {
            id: { type: "string", examples: ["openai/gpt-4o-mini"] },
            object: { const: "model" },
            created: { type: "integer" },
            owned_by: { type: "string" },
            name: { type: "string" },
            modality: { enum: [...modalities] },
            lab: { type: "string" },
            family: { type: ["string", "null"] },
            released: { type: "string", format: "date" },
            context_window: { type: "integer" },
            max_output_tokens: { type: "integer" },
            capabilities: { type: "array", items: { type: "string" } },
            pricing: {
              type: ["object", "null"],
              description:
                "The current price of the first available route as decimal USD strings: input, output, cached_input, cache_write per 1M tokens; per_image, per_second, per_minute, per_1k_characters, per_1k_searches (null when not billed so); with source, as_of and effective_from",
            },
            schema: {
              $ref: "#/components/schemas/InvocationSchema",
              description: "Only on GET /v1/models/{lab}/{model}",
            },
            providers: { type: "array", items: { type: "object" } },
            available: { type: "boolean", description: "A provider serving it is configured" },
          },
        },
        InvocationSchema: {
          type: "object",
          properties: {
            model: { type: "string" },
            modality: { enum: [...modalities] },
            method: { const: "POST" },
            endpoint: { type: "string", examples: ["/v1/chat/completions"] },
            content_type: { type: "string" },
            request_example: { type: "object" },
            response_examples: { type: "object" },
            quirks: { type: "array", items: { type: "string" } },
            snippets: { type: "object" },
          },
        },
        ApiKey: {
          type: "object",
          properties: {
            id: { type: "string" },
            object: { const: "api_key" },
            name: { type: "string" },
            prefix: { type: "string" },
            role: { enum: ["owner", "member"] },
            created_at: { type: "integer" },
            last_used_at: { type: ["integer", "null"] },
            revoked_at: { type: ["integer", "null"] },
            key: { type: "string", description: "Plaintext, only when minted" },
          },
        },
        UsageRow: {
          type: "object",
          properties: {
            request_id: { type: "string" },
            endpoint: { type: "string" },
            model: { type: ["string", "null"] },
            provider: { type: ["string", "null"] },
            status: { type: "integer" },
            error_type: { type: ["string", "null"] },
            stream: { type: "boolean" },
            latency_ms: { type: "integer" },
            ttft_ms: { type: ["integer", "null"] },
            prompt_tokens: { type: "integer" },
            completion_tokens: { type: "integer" },
            cached_tokens: { type: "integer" },
            reasoning_tokens: { type: "integer" },
            cost_cents: { type: "number" },
            cost_nanodollars: { type: "integer" },
            tag: { type: ["string", "null"] },
            key_id: { type: ["string", "null"] },
            created_at: { type: "string", format: "date-time" },
          },
        },
      },
    },
  };
}
