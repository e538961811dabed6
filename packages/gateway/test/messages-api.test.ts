// The inbound Anthropic Messages API (/v1/messages) with the official @anthropic-ai/sdk as the client,
// as a coding agent pointed at the gateway with ANTHROPIC_BASE_URL would use it. Anthropic-routed
// models are forwarded to a fake Anthropic replaying recordings; other models are translated to the
// OpenAI-shaped hub and answered by fake OpenAI, OpenRouter and DeepSeek servers (and the echo model).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import Anthropic from "@anthropic-ai/sdk";
import {
  replyWithCassette,
  replyWithChunkFixture,
  replyWithJsonFixture,
  startFakeUpstream,
  type FakeReply,
  type FakeUpstream,
} from "./support/fake-upstream.ts";
import { callApi } from "./support/call-api.ts";
import { fixturesMissing, readChunkLines } from "./support/fixtures.ts";
import { startTestGateway, type TestGateway } from "./support/start-test-gateway.ts";
import { waitFor } from "./support/wait-for.ts";
import { writeModelsConfig } from "./support/write-models-config.ts";

const vendors = ["anthropic", "openai", "openrouter", "deepseek", "groq"] as const;

function testModel(id: string, provider: string, upstreamId: string, capabilities: string[]) {
  return {
    id,
    name: id,
    lab: id.split("/")[0],
    modality: "text",
    context_window: 200000,
    max_output_tokens: 64000,
    capabilities,
    released: "2025-09-29",
    routes: [
      {
        provider,
        upstream_id: upstreamId,
        pricing: { input: "3", output: "15", cached_input: "0.3", cache_write: "3.75" },
        price_source: "test",
        price_as_of: "2025-09-29",
      },
    ],
  };
}

const allCapabilities = ["tools", "vision", "json", "streaming", "reasoning", "caching"];
// Replaces the shipped entry of this slug, so bare Claude names resolve to a route to provider "anthropic".
const claudeSlug = "anthropic/claude-opus-4.8";
const viaOpenRouter = "testlab/claude-via-openrouter";
const deepseekReasoner = "testlab/deepseek-reasoner";
const groqModel = "testlab/groq-qwen";

/** A chunks.txt recording of Anthropic's stream as its wire form: each event with its `event:` line. */
function anthropicFrames(name: string): string[] {
  return readChunkLines(`anthropic/${name}`).map((line) => {
    const type = (JSON.parse(line) as { type: string }).type;
    return `event: ${type}\ndata: ${line}\n\n`;
  });
}

const sse = (frames: string[], options: Partial<FakeReply> = {}): FakeReply => ({
  status: 200,
  headers: { "content-type": "text/event-stream; charset=utf-8" },
  frames,
  ...options,
});

interface UsageRow {
  request_id: string;
  endpoint: string;
  model: string;
  provider: string;
  status: number;
  stream: boolean;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  cost_nanodollars: number;
}

describe("inbound Anthropic Messages API through @anthropic-ai/sdk", { skip: fixturesMissing }, () => {
  let gateway: TestGateway;
  let client: Anthropic;
  const upstreams = {} as Record<(typeof vendors)[number], FakeUpstream>;
  const lastSent = (vendor: (typeof vendors)[number]): Record<string, unknown> =>
    upstreams[vendor].requests.at(-1)?.body ?? {};

  async function usageRow(requestId: string): Promise<UsageRow> {
    return waitFor(async () => {
      const response = await fetch(`${gateway.baseUrl}/v1/usage/recent?limit=50`, {
        headers: { authorization: `Bearer ${gateway.ownerKey}` },
      });
      const { data } = (await response.json()) as { data: UsageRow[] };
      return data.find((row) => row.request_id === requestId);
    });
  }

  before(async () => {
    const env: Record<string, string> = {};
    for (const vendor of vendors) {
      upstreams[vendor] = await startFakeUpstream(() => ({ status: 500, body: "{}" }));
      env[`${vendor.toUpperCase()}_API_KEY`] = `test-${vendor}-key`;
      env[`${vendor.toUpperCase()}_BASE_URL`] = upstreams[vendor].baseUrl;
    }
    const configPath = writeModelsConfig([
      testModel(claudeSlug, "anthropic", "claude-opus-4-8", allCapabilities),
      testModel(viaOpenRouter, "openrouter", "anthropic/claude-sonnet-4.5", allCapabilities),
      testModel(groqModel, "groq", "qwen/qwen3-32b", ["tools", "json", "streaming", "reasoning"]),
      testModel(deepseekReasoner, "deepseek", "deepseek-reasoner", [
        "tools",
        "json",
        "streaming",
        "reasoning",
      ]),
    ]);
    gateway = await startTestGateway({ ...env, AIG_CONFIG: configPath });
    // As Claude Code does with ANTHROPIC_BASE_URL: the SDK appends /v1/messages.
    client = new Anthropic({ apiKey: gateway.ownerKey, baseURL: gateway.baseUrl, maxRetries: 0 });
  });
  after(async () => {
    await gateway.close();
    for (const upstream of Object.values(upstreams)) await upstream.close();
  });

  describe("passthrough to an Anthropic-routed model", () => {
    it("[inbound anthropic] [text] forwards the body unchanged but the model, with x-api-key and anthropic-version", async () => {
      upstreams.anthropic.setHandler(() => replyWithJsonFixture("anthropic/messages-text.json"));
      const params = {
        model: "claude-opus-4-8-20260115",
        max_tokens: 256,
        system: [{ type: "text" as const, text: "Be kind.", cache_control: { type: "ephemeral" as const } }],
        messages: [{ role: "user" as const, content: "Hello, how are you?" }],
        metadata: { user_id: "user-1" },
      };
      const { data, response } = await client.messages
        .create(params, {
          headers: { "anthropic-version": "2023-06-01", "anthropic-beta": "context-1m-2025-08-07" },
        })
        .withResponse();
      assert.equal(data.type, "message");
      assert.equal(data.content[0]?.type, "text");
      assert.match(data.content[0].text, /^Hello!/);
      assert.equal(data.usage.input_tokens, 12);
      assert.equal(data.usage.output_tokens, 29);
      assert.equal(response.headers.get("x-aig-provider"), "anthropic");
      assert.ok(Number(response.headers.get("x-cost-cents")) > 0);
      const sent = upstreams.anthropic.requests.at(-1);
      assert.equal(sent?.path, "/v1/messages");
      assert.equal(sent?.headers["x-api-key"], "test-anthropic-key");
      assert.equal(sent?.headers["anthropic-version"], "2023-06-01");
      assert.equal(sent?.headers["anthropic-beta"], "context-1m-2025-08-07");
      assert.equal(sent?.headers.authorization, undefined);
      assert.deepEqual(sent?.body, { ...params, model: "claude-opus-4-8" });
    });

    it("[inbound anthropic] [text] bare and aliased Claude names resolve to the anthropic/ slug (and the /anthropic alias works)", async () => {
      upstreams.anthropic.setHandler(() => replyWithJsonFixture("anthropic/messages-text.json"));
      const aliased = new Anthropic({
        apiKey: gateway.ownerKey,
        baseURL: `${gateway.baseUrl}/anthropic`,
        maxRetries: 0,
      });
      for (const model of ["claude-opus-4-8", "claude-opus-4.8", "anthropic/claude-opus-4-8-20260115"]) {
        await aliased.messages.create({ model, max_tokens: 16, messages: [{ role: "user", content: "Hi" }] });
        assert.equal(lastSent("anthropic").model, "claude-opus-4-8", model);
      }
      // Claude Code's shape: ?beta=true, and a Bearer token (ANTHROPIC_AUTH_TOKEN) instead of x-api-key.
      const bearer = await fetch(`${gateway.baseUrl}/v1/messages?beta=true`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${gateway.ownerKey}`,
          "anthropic-version": "2023-06-01",
          "content-type": "application/json",
        },
        body: JSON.stringify({
          model: "claude-opus-4-8",
          max_tokens: 8,
          messages: [{ role: "user", content: "Hi" }],
        }),
      });
      assert.equal(bearer.status, 200);
      assert.equal(((await bearer.json()) as { type: string }).type, "message");
    });

    it("[inbound anthropic] [stream] forwards the event stream as sent; the SDK's stream helper and finalMessage() work", async () => {
      const frames = anthropicFrames("messages-stream-text.chunks.txt");
      upstreams.anthropic.setHandler(() => sse(frames));
      const stream = client.messages.stream({
        model: "claude-opus-4-8",
        max_tokens: 64,
        messages: [{ role: "user", content: "Hello" }],
      });
      let text = "";
      stream.on("text", (delta) => {
        text += delta;
      });
      const message = await stream.finalMessage();
      assert.match(text, /^Hello! I'm doing well/);
      assert.equal((message.content[0] as Anthropic.TextBlock).text, text);
      assert.equal(message.stop_reason, "end_turn");
      assert.equal(message.usage.output_tokens, 30);
      assert.equal(lastSent("anthropic").stream, true);
      // Byte-for-byte: the raw body equals what the upstream wrote.
      upstreams.anthropic.setHandler(() => sse(frames));
      const raw = await fetch(`${gateway.baseUrl}/v1/messages`, {
        method: "POST",
        headers: { "x-api-key": gateway.ownerKey, "content-type": "application/json" },
        body: JSON.stringify({
          model: "claude-opus-4-8",
          max_tokens: 8,
          stream: true,
          messages: [{ role: "user", content: "Hi" }],
        }),
      });
      assert.equal(await raw.text(), frames.join(""));
    });

    it("[inbound anthropic] [tools] a thinking + tool_use turn round-trips: turn 2 upstream gets turn 1's signature and blocks verbatim", async () => {
      const cassette = "anthropic/messages-tool-use-with-thinking.cassette.yaml";
      upstreams.anthropic.setHandler(() => replyWithCassette(cassette, 0));
      const tools: Anthropic.Tool[] = [
        {
          name: "get_user_country",
          description: "Get the user's country",
          input_schema: { type: "object", properties: {} },
        },
      ];
      const first = await client.messages.create({
        model: "claude-opus-4-8",
        max_tokens: 2048,
        thinking: { type: "enabled", budget_tokens: 1024 },
        tools,
        messages: [{ role: "user", content: "What is the largest city in the user country?" }],
      });
      const thinking = first.content.find((block) => block.type === "thinking");
      const toolUse = first.content.find((block) => block.type === "tool_use");
      assert.ok(thinking && thinking.signature.length > 100);
      assert.ok(toolUse);
      assert.equal(first.stop_reason, "tool_use");

      upstreams.anthropic.setHandler(() => replyWithCassette(cassette, 1));
      const secondParams: Anthropic.MessageCreateParamsNonStreaming = {
        model: "claude-opus-4-8",
        max_tokens: 2048,
        thinking: { type: "enabled", budget_tokens: 1024 },
        tools,
        messages: [
          { role: "user", content: "What is the largest city in the user country?" },
          { role: "assistant", content: first.content },
          { role: "user", content: [{ type: "tool_result", tool_use_id: toolUse.id, content: "Mexico" }] },
        ],
      };
      const second = await client.messages.create(secondParams);
      assert.match((second.content[0] as Anthropic.TextBlock).text, /Mexico City/);
      const sent = lastSent("anthropic") as {
        messages: { content: { type: string; signature?: string }[] }[];
      };
      assert.equal(sent.messages[1]?.content[0]?.signature, thinking.signature);
      assert.deepEqual(sent, JSON.parse(JSON.stringify({ ...secondParams, model: "claude-opus-4-8" })));
    });

    it("[inbound anthropic] [tools] parallel tool_use blocks arrive intact", async () => {
      upstreams.anthropic.setHandler(() =>
        replyWithCassette("anthropic/messages-parallel-tool-calls.cassette.yaml", 0),
      );
      const message = await client.messages.create({
        model: "claude-opus-4-8",
        max_tokens: 1024,
        tools: [
          {
            name: "retrieve_entity_info",
            input_schema: { type: "object", properties: { name: { type: "string" } } },
          },
        ],
        messages: [{ role: "user", content: "Who is the youngest?" }],
      });
      const calls = message.content.filter((block) => block.type === "tool_use");
      assert.deepEqual(
        calls.map((call) => call.input),
        [{ name: "Alice" }, { name: "Bob" }, { name: "Charlie" }, { name: "Daisy" }],
      );
    });

    it("[inbound anthropic] [streamed tools] a recorded tool-use stream reaches the SDK with parsed input", async () => {
      upstreams.anthropic.setHandler(() =>
        replyWithCassette("anthropic/messages-stream-tool-use.cassette.yaml", 0),
      );
      const message = await client.messages
        .stream({
          model: "claude-opus-4-8",
          max_tokens: 1024,
          messages: [{ role: "user", content: "What is the weather and current time in San Francisco?" }],
        })
        .finalMessage();
      const calls = message.content.filter((block) => block.type === "tool_use");
      assert.ok(calls.length >= 1);
      assert.equal(typeof (calls[0]?.input as { location?: unknown }).location, "string");
      assert.equal(message.stop_reason, "tool_use");
    });

    it("[inbound anthropic] [reasoning] a streamed thinking block keeps its signature_delta", async () => {
      upstreams.anthropic.setHandler(() => sse(anthropicFrames("messages-stream-thinking.chunks.txt")));
      const message = await client.messages
        .stream({
          model: "claude-opus-4-8",
          max_tokens: 2048,
          thinking: { type: "enabled", budget_tokens: 1024 },
          messages: [{ role: "user", content: "925 / 5?" }],
        })
        .finalMessage();
      const thinking = message.content[0] as Anthropic.ThinkingBlock;
      assert.equal(thinking.type, "thinking");
      assert.match(thinking.thinking, /925/);
      assert.match(thinking.signature, /^EvQBCk/);
      assert.equal(message.content[1]?.type, "text");
    });

    it("[inbound anthropic] [vision] [JSON schema] image blocks (and output_config JSON schema) reach Anthropic as sent", async () => {
      upstreams.anthropic.setHandler(() => replyWithJsonFixture("anthropic/messages-text.json"));
      const params: Anthropic.MessageCreateParamsNonStreaming = {
        model: "claude-opus-4-8",
        max_tokens: 64,
        output_config: {
          format: { type: "json_schema", schema: { type: "object", properties: { a: { type: "string" } } } },
        },
        messages: [
          {
            role: "user",
            content: [
              { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
              { type: "text", text: "Describe." },
            ],
          },
        ],
      };
      await client.messages.create(params);
      assert.deepEqual(lastSent("anthropic"), { ...params, model: "claude-opus-4-8" });
    });

    it("[inbound anthropic] [usage] logs endpoint /v1/messages with Anthropic's tokens (cache included) and the cost", async () => {
      const frames = anthropicFrames("messages-stream-message-delta-input-tokens.chunks.txt");
      upstreams.anthropic.setHandler(() => sse(frames));
      const { response } = await client.messages
        .stream({ model: "claude-opus-4-8", max_tokens: 16, messages: [{ role: "user", content: "ping" }] })
        .withResponse();
      const requestId = response.headers.get("x-request-id") ?? "";
      const row = await usageRow(requestId);
      assert.equal(row.endpoint, "/v1/messages");
      assert.equal(row.model, claudeSlug);
      assert.equal(row.provider, "anthropic");
      assert.equal(row.status, 200);
      assert.equal(row.stream, true);
      // message_delta's input count (61) replaces message_start's (43).
      assert.equal(row.prompt_tokens, 61);
      assert.equal(row.completion_tokens, 2);
      // $3 and $15 per 1M tokens: 61 × 3000 + 2 × 15000 picodollars… in nanodollars.
      assert.equal(row.cost_nanodollars, Math.round((61 * 3_000_000 + 2 * 15_000_000) / 1000));

      upstreams.anthropic.setHandler(() => ({
        status: 200,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          id: "msg_1",
          type: "message",
          role: "assistant",
          model: "claude-opus-4-8",
          content: [{ type: "text", text: "ok" }],
          stop_reason: "end_turn",
          stop_sequence: null,
          usage: {
            input_tokens: 10,
            cache_read_input_tokens: 1000,
            cache_creation_input_tokens: 200,
            output_tokens: 5,
          },
        }),
      }));
      const cached = await client.messages
        .create({ model: "claude-opus-4-8", max_tokens: 16, messages: [{ role: "user", content: "hi" }] })
        .withResponse();
      const cachedRow = await usageRow(cached.response.headers.get("x-request-id") ?? "");
      assert.equal(cachedRow.prompt_tokens, 1210);
      assert.equal(cachedRow.cached_tokens, 1000);
      // 10 uncached × $3, 1000 read × $0.30, 200 written × $3.75, 5 out × $15 (per 1M).
      const expected = Math.round(
        (10 * 3_000_000 + 1000 * 300_000 + 200 * 3_750_000 + 5 * 15_000_000) / 1000,
      );
      assert.equal(cachedRow.cost_nanodollars, expected);
      assert.equal(cached.response.headers.get("x-cost-cents"), String(expected / 1e7));
    });

    it("[inbound anthropic] [usage] count_tokens is Anthropic's exact count", async () => {
      upstreams.anthropic.setHandler(() => ({
        status: 200,
        headers: { "content-type": "application/json" },
        body: '{"input_tokens":2095}',
      }));
      const { data, response } = await client.messages
        .countTokens({ model: "claude-opus-4-8", messages: [{ role: "user", content: "Hello" }] })
        .withResponse();
      assert.equal(data.input_tokens, 2095);
      assert.equal(response.headers.get("x-aig-token-count"), "exact");
      const sent = upstreams.anthropic.requests.at(-1);
      assert.equal(sent?.path, "/v1/messages/count_tokens");
      assert.deepEqual(sent?.body, {
        model: "claude-opus-4-8",
        messages: [{ role: "user", content: "Hello" }],
      });
    });

    it("[inbound anthropic] [errors] recorded upstream 400 and 404 raise the SDK's BadRequestError and NotFoundError", async () => {
      upstreams.anthropic.setHandler(() =>
        replyWithCassette("anthropic/messages-error-400-invalid-request.cassette.yaml", 0),
      );
      const badRequest = await client.messages
        .create({ model: "claude-opus-4-8", max_tokens: 8, messages: [{ role: "user", content: "x" }] })
        .catch((error: unknown) => error);
      assert.ok(badRequest instanceof Anthropic.BadRequestError);
      assert.match(badRequest.message, /Input does not match the expected shape/);
      assert.equal((badRequest.error as { error: { type: string } }).error.type, "invalid_request_error");

      upstreams.anthropic.setHandler(() =>
        replyWithCassette("anthropic/messages-error-404-model-not-found.cassette.yaml", 0),
      );
      const notFound = await client.messages
        .create({ model: "claude-opus-4-8", max_tokens: 8, messages: [{ role: "user", content: "x" }] })
        .catch((error: unknown) => error);
      assert.ok(notFound instanceof Anthropic.NotFoundError);
      assert.equal((notFound.error as { error: { type: string } }).error.type, "not_found_error");

      // The gateway's own key to Anthropic being refused is our fault: a 502 (InternalServerError).
      upstreams.anthropic.setHandler(() => ({
        status: 401,
        headers: { "content-type": "application/json" },
        body: '{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}',
      }));
      const ours = await client.messages
        .create({ model: "claude-opus-4-8", max_tokens: 8, messages: [{ role: "user", content: "x" }] })
        .catch((error: unknown) => error);
      assert.ok(ours instanceof Anthropic.InternalServerError);
      assert.equal(ours.status, 502);
    });

    it("[inbound anthropic] [mid-stream error] an upstream error event and a cut connection both raise in the SDK and are logged as failures", async () => {
      const frames = anthropicFrames("messages-stream-text.chunks.txt");
      const overloaded =
        'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n';
      upstreams.anthropic.setHandler(() => sse([...frames.slice(0, 4), overloaded]));
      const stream = client.messages.stream({
        model: "claude-opus-4-8",
        max_tokens: 64,
        messages: [{ role: "user", content: "Hello" }],
      });
      const raised = await stream.finalMessage().catch((error: unknown) => error);
      assert.ok(raised instanceof Anthropic.APIError);
      assert.match(raised.message, /Overloaded/);

      upstreams.anthropic.setHandler(() => sse(frames, { destroyAfterFrames: 4 }));
      const cut = client.messages.stream({
        model: "claude-opus-4-8",
        max_tokens: 64,
        messages: [{ role: "user", content: "Hello" }],
      });
      const { response } = await cut.withResponse();
      const cutError = await cut.finalMessage().catch((error: unknown) => error);
      assert.ok(cutError instanceof Anthropic.APIError);
      assert.equal((cutError.error as { error: { type: string } }).error.type, "api_error");
      const row = await usageRow(response.headers.get("x-request-id") ?? "");
      assert.equal(row.status, 502);
      assert.equal(row.prompt_tokens, 12);
    });
  });

  describe("caps and allowed models apply to passthrough calls too", () => {
    async function subAccountClient(fields: Record<string, unknown>): Promise<Anthropic> {
      const created = await callApi<{ key: string }>(
        gateway.baseUrl,
        gateway.ownerKey,
        "POST",
        "/v1/sub-accounts",
        fields,
      );
      assert.equal(created.status, 201, JSON.stringify(created.body));
      return new Anthropic({ apiKey: created.body.key, baseURL: gateway.baseUrl, maxRetries: 0 });
    }

    it("[inbound anthropic] [errors] a model outside the key's allow-list is a PermissionDeniedError; a cap with no room a 402; nothing reaches Anthropic", async () => {
      upstreams.anthropic.setHandler(() => replyWithJsonFixture("anthropic/messages-text.json"));
      const before = upstreams.anthropic.requests.length;
      const restricted = await subAccountClient({ name: "echo-only", allowed_models: ["aigateway/echo"] });
      const refused = await restricted.messages
        .create({ model: "claude-opus-4-8", max_tokens: 16, messages: [{ role: "user", content: "x" }] })
        .catch((error: unknown) => error);
      assert.ok(refused instanceof Anthropic.PermissionDeniedError);
      assert.equal((refused.error as { error: { type: string } }).error.type, "permission_error");

      const capped = await subAccountClient({ name: "one-cent", spend_cap_cents: 1 });
      const overCap = await capped.messages
        .create({ model: "claude-opus-4-8", max_tokens: 8192, messages: [{ role: "user", content: "x" }] })
        .catch((error: unknown) => error);
      assert.ok(overCap instanceof Anthropic.APIError);
      assert.equal(overCap.status, 402);
      assert.equal((overCap.error as { error: { type: string } }).error.type, "billing_error");
      assert.equal(upstreams.anthropic.requests.length, before);
    });
  });

  describe("translated to the hub for other catalog models", () => {
    it("[inbound anthropic] [text] an OpenAI model answers in Anthropic's shape; system, sampling and user are translated", async () => {
      upstreams.openai.setHandler(() => replyWithJsonFixture("openai/chat-completion-text.json"));
      // This SDK version no longer types the sampling fields (newer Claude models reject them); older
      // clients send them, so they are sent here as such a client would.
      const sampling = { temperature: 0.2, top_k: 5 } as object;
      const { data, response } = await client.messages
        .create({
          model: "openai/gpt-4o-mini",
          max_tokens: 128,
          system: "You are terse.",
          stop_sequences: ["END"],
          metadata: { user_id: "user-9" },
          messages: [{ role: "user", content: "Hello" }],
          ...sampling,
        })
        .withResponse();
      assert.equal(data.type, "message");
      assert.equal(data.model, "openai/gpt-4o-mini");
      assert.match(data.id, /^msg_/);
      assert.ok((data.content[0] as Anthropic.TextBlock).text.length > 0);
      assert.equal(data.stop_reason, "end_turn");
      assert.ok(data.usage.input_tokens > 0 && data.usage.output_tokens > 0);
      assert.match(response.headers.get("x-aig-warning") ?? "", /top_k/);
      const sent = lastSent("openai");
      assert.equal(sent.model, "gpt-4o-mini");
      assert.deepEqual(sent.messages, [
        { role: "system", content: "You are terse." },
        { role: "user", content: "Hello" },
      ]);
      assert.equal(sent.max_tokens, 128);
      assert.equal(sent.temperature, 0.2);
      assert.deepEqual(sent.stop, ["END"]);
      assert.equal(sent.user, "user-9");
      assert.equal(sent.top_k, undefined);
    });

    it("[inbound anthropic] [text] the echo model works behind the Anthropic shape, streamed and not", async () => {
      const message = await client.messages.create({
        model: "aigateway/echo",
        max_tokens: 16,
        messages: [{ role: "user", content: "hello gateway" }],
      });
      assert.equal((message.content[0] as Anthropic.TextBlock).text, "hello gateway");
      const streamed = await client.messages
        .stream({
          model: "aigateway/echo",
          max_tokens: 16,
          messages: [{ role: "user", content: "one two three" }],
        })
        .finalMessage();
      assert.equal((streamed.content[0] as Anthropic.TextBlock).text, "one two three");
      assert.ok(streamed.usage.input_tokens > 0);
    });

    it("[inbound anthropic] [stream] the exact Anthropic event sequence, usage in message_delta", async () => {
      upstreams.openai.setHandler(() =>
        replyWithChunkFixture("openai/chat-stream-text-with-usage.chunks.txt"),
      );
      const stream = client.messages.stream({
        model: "openai/gpt-4o-mini",
        max_tokens: 512,
        messages: [{ role: "user", content: "Name a holiday" }],
      });
      const types: string[] = [];
      stream.on("streamEvent", (event) => types.push(event.type));
      const message = await stream.finalMessage();
      assert.deepEqual(
        [...new Set(types)],
        [
          "message_start",
          "content_block_start",
          "content_block_delta",
          "content_block_stop",
          "message_delta",
          "message_stop",
        ],
      );
      assert.equal(types.filter((type) => type === "content_block_start").length, 1);
      assert.match((message.content[0] as Anthropic.TextBlock).text, /Holiday/);
      assert.equal(message.usage.input_tokens, 16);
      assert.equal(message.usage.output_tokens, 300);
      assert.equal(lastSent("openai").stream, true);
    });

    it("[inbound anthropic] [tools] a tool round trip over two turns: tool_use out, tool_result back as a tool message", async () => {
      const cassette = "openai/chat-tool-calls.cassette.yaml";
      upstreams.openai.setHandler(() => replyWithCassette(cassette, 0));
      const tools: Anthropic.Tool[] = [
        { name: "get_user_country", description: "", input_schema: { type: "object", properties: {} } },
      ];
      const first = await client.messages.create({
        model: "openai/gpt-4o-mini",
        max_tokens: 256,
        tools,
        tool_choice: { type: "any" },
        messages: [{ role: "user", content: "What is the largest city in the user country?" }],
      });
      assert.equal(first.stop_reason, "tool_use");
      const toolUse = first.content.find((block) => block.type === "tool_use");
      assert.ok(toolUse);
      assert.equal(toolUse.name, "get_user_country");
      assert.deepEqual(toolUse.input, {});
      const firstSent = lastSent("openai");
      assert.equal(firstSent.tool_choice, "required");
      assert.deepEqual(firstSent.tools, [
        {
          type: "function",
          function: {
            name: "get_user_country",
            description: "",
            parameters: { type: "object", properties: {} },
          },
        },
      ]);

      upstreams.openai.setHandler(() => replyWithCassette(cassette, 1));
      const second = await client.messages.create({
        model: "openai/gpt-4o-mini",
        max_tokens: 256,
        tools,
        messages: [
          { role: "user", content: "What is the largest city in the user country?" },
          { role: "assistant", content: first.content },
          { role: "user", content: [{ type: "tool_result", tool_use_id: toolUse.id, content: "Mexico" }] },
        ],
      });
      const final = second.content.find((block) => block.type === "tool_use");
      assert.deepEqual(final?.input, { city: "Mexico City", country: "Mexico" });
      const sent = lastSent("openai") as { messages: Record<string, unknown>[] };
      assert.deepEqual(sent.messages.slice(1), [
        {
          role: "assistant",
          content: null,
          tool_calls: [
            { id: toolUse.id, type: "function", function: { name: "get_user_country", arguments: "{}" } },
          ],
        },
        { role: "tool", tool_call_id: toolUse.id, content: "Mexico" },
      ]);
    });

    it("[inbound anthropic] [streamed tools] streamed tool-call deltas become a tool_use block with input_json_delta", async () => {
      upstreams.openai.setHandler(() => replyWithCassette("openai/chat-stream-tool-call.cassette.yaml", 0));
      const stream = client.messages.stream({
        model: "openai/gpt-4o-mini",
        max_tokens: 256,
        tools: [
          {
            name: "get_current_weather",
            input_schema: { type: "object", properties: { location: { type: "string" } } },
          },
        ],
        messages: [{ role: "user", content: "What's the weather like in San Francisco?" }],
      });
      const jsonDeltas: string[] = [];
      stream.on("inputJson", (partial) => jsonDeltas.push(partial));
      const message = await stream.finalMessage();
      const call = message.content.find((block) => block.type === "tool_use");
      assert.equal(call?.name, "get_current_weather");
      assert.match(String((call?.input as { location?: unknown }).location), /San Francisco/);
      assert.ok(jsonDeltas.length > 1);
      assert.equal(message.stop_reason, "tool_use");
    });

    it("[inbound anthropic] [vision] image blocks become image_url parts", async () => {
      upstreams.openai.setHandler(() => replyWithJsonFixture("openai/chat-completion-text.json"));
      await client.messages.create({
        model: "openai/gpt-4o-mini",
        max_tokens: 64,
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "What is this?" },
              { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
              { type: "image", source: { type: "url", url: "https://example.com/cat.png" } },
            ],
          },
        ],
      });
      assert.deepEqual((lastSent("openai").messages as unknown[])[0], {
        role: "user",
        content: [
          { type: "text", text: "What is this?" },
          { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
          { type: "image_url", image_url: { url: "https://example.com/cat.png" } },
        ],
      });
    });

    it("[inbound anthropic] [JSON schema] output_config.format becomes a strict json_schema response_format", async () => {
      upstreams.openai.setHandler(() => replyWithJsonFixture("openai/chat-completion-text.json"));
      const schema = {
        type: "object",
        properties: { city: { type: "string" } },
        required: ["city"],
        additionalProperties: false,
      };
      await client.messages.create({
        model: "openai/gpt-4o-mini",
        max_tokens: 64,
        output_config: { format: { type: "json_schema", schema } },
        messages: [{ role: "user", content: "Largest city in Mexico, as JSON" }],
      });
      assert.deepEqual(lastSent("openai").response_format, {
        type: "json_schema",
        json_schema: { name: "output", schema, strict: true },
      });
    });

    it("[inbound anthropic] [reasoning] thinking with signatures over OpenRouter, and turn 2 sends the signature back", async () => {
      upstreams.openrouter.setHandler(() =>
        replyWithCassette("openrouter/chat-stream-reasoning.cassette.yaml", 0),
      );
      const first = await client.messages
        .stream({
          model: viaOpenRouter,
          max_tokens: 2048,
          thinking: { type: "enabled", budget_tokens: 2000 },
          messages: [{ role: "user", content: "What is 2+2?" }],
        })
        .finalMessage();
      const thinking = first.content[0] as Anthropic.ThinkingBlock;
      assert.equal(thinking.type, "thinking");
      assert.match(thinking.thinking, /simple arithmetic/);
      assert.match(thinking.signature, /^Et0BCkgI/);
      assert.equal(first.content[1]?.type, "text");
      assert.equal(lastSent("openrouter").reasoning_effort, "low");

      upstreams.openrouter.setHandler(() =>
        replyWithCassette("openrouter/chat-stream-reasoning.cassette.yaml", 0),
      );
      await client.messages
        .stream({
          model: viaOpenRouter,
          max_tokens: 2048,
          thinking: { type: "enabled", budget_tokens: 2000 },
          messages: [
            { role: "user", content: "What is 2+2?" },
            { role: "assistant", content: first.content },
            { role: "user", content: "And 3+3?" },
          ],
        })
        .finalMessage();
      const assistant = (lastSent("openrouter").messages as Record<string, unknown>[])[1];
      assert.equal(assistant?.reasoning_content, thinking.thinking);
      assert.deepEqual(assistant?.reasoning_details, [
        {
          type: "reasoning.text",
          text: thinking.thinking,
          signature: thinking.signature,
          format: "anthropic-claude-v1",
          index: 0,
        },
      ]);
    });

    it("[inbound anthropic] [reasoning] DeepSeek's reasoning_content becomes a thinking block (streamed and not)", async () => {
      upstreams.deepseek.setHandler(() => replyWithJsonFixture("deepseek/chat-reasoning.json"));
      const message = await client.messages.create({
        model: deepseekReasoner,
        max_tokens: 1024,
        messages: [{ role: "user", content: "Hello" }],
      });
      assert.equal(message.content[0]?.type, "thinking");
      assert.ok(message.content[0].thinking.length > 0);
      assert.equal(message.content[1]?.type, "text");

      upstreams.deepseek.setHandler(() =>
        replyWithCassette("deepseek/chat-stream-reasoning.cassette.yaml", 0),
      );
      const streamed = await client.messages
        .stream({ model: deepseekReasoner, max_tokens: 1024, messages: [{ role: "user", content: "Hello" }] })
        .finalMessage();
      assert.equal(streamed.content[0]?.type, "thinking");
      assert.equal(streamed.content.at(-1)?.type, "text");
    });

    it("[inbound anthropic] [reasoning] Groq: streamed `reasoning` becomes thinking, a tool call a tool_use block", async () => {
      upstreams.groq.setHandler(() => replyWithChunkFixture("groq/chat-stream-reasoning.chunks.txt"));
      const message = await client.messages
        .stream({ model: groqModel, max_tokens: 2048, messages: [{ role: "user", content: "Hello" }] })
        .finalMessage();
      assert.equal(message.content[0]?.type, "thinking");
      assert.match(message.content[0].thinking, /^Okay/);
      assert.equal(message.content.at(-1)?.type, "text");
      assert.equal(message.usage.output_tokens, 1107);

      upstreams.groq.setHandler(() => replyWithJsonFixture("groq/chat-tool-call.json"));
      const called = await client.messages.create({
        model: groqModel,
        max_tokens: 256,
        tools: [{ name: "weather", input_schema: { type: "object", properties: {} } }],
        messages: [{ role: "user", content: "Weather?" }],
      });
      assert.deepEqual(called.content, [{ type: "tool_use", id: "ax9fskhev", name: "weather", input: {} }]);
      assert.equal(called.stop_reason, "tool_use");
    });

    it("[inbound anthropic] [usage] the translated call is logged once, at /v1/messages, with the chat service's cost; count_tokens estimates", async () => {
      upstreams.openai.setHandler(() =>
        replyWithChunkFixture("openai/chat-stream-text-with-usage.chunks.txt"),
      );
      const stream = client.messages.stream({
        model: "openai/gpt-4o-mini",
        max_tokens: 512,
        messages: [{ role: "user", content: "Name a holiday" }],
      });
      const { response } = await stream.withResponse();
      await stream.finalMessage();
      const requestId = response.headers.get("x-request-id") ?? "";
      const row = await usageRow(requestId);
      assert.equal(row.endpoint, "/v1/messages");
      assert.equal(row.model, "openai/gpt-4o-mini");
      assert.equal(row.prompt_tokens, 16);
      assert.equal(row.completion_tokens, 300);
      assert.ok(row.cost_nanodollars > 0);

      const counted = await client.messages
        .countTokens({
          model: "openai/gpt-4o-mini",
          system: "You are terse.",
          messages: [{ role: "user", content: "Hello there, how are you today?" }],
        })
        .withResponse();
      assert.ok(counted.data.input_tokens > 5);
      assert.equal(counted.response.headers.get("x-aig-token-count"), "estimate");
    });

    it("[inbound anthropic] [errors] 401, 404 unknown model and 400 bad body raise the SDK's error classes in Anthropic's envelope", async () => {
      const stranger = new Anthropic({
        apiKey: "sk-aig-not-a-real-key-000000000000",
        baseURL: gateway.baseUrl,
        maxRetries: 0,
      });
      const unauthorized = await stranger.messages
        .create({ model: "aigateway/echo", max_tokens: 8, messages: [{ role: "user", content: "x" }] })
        .catch((error: unknown) => error);
      assert.ok(unauthorized instanceof Anthropic.AuthenticationError);
      assert.equal((unauthorized.error as { type: string }).type, "error");
      assert.equal((unauthorized.error as { error: { type: string } }).error.type, "authentication_error");

      const unknown = await client.messages
        .create({ model: "claude-nonexistent-9", max_tokens: 8, messages: [{ role: "user", content: "x" }] })
        .catch((error: unknown) => error);
      assert.ok(unknown instanceof Anthropic.NotFoundError);
      assert.equal((unknown.error as { error: { type: string } }).error.type, "not_found_error");
      assert.match(unknown.message, /claude-nonexistent-9/);
      assert.match(unknown.requestID ?? "", /^req_/);

      const missingMaxTokens = await client.messages
        .create({
          model: "aigateway/echo",
          messages: [{ role: "user", content: "x" }],
        } as unknown as Anthropic.MessageCreateParamsNonStreaming)
        .catch((error: unknown) => error);
      assert.ok(missingMaxTokens instanceof Anthropic.BadRequestError);
      assert.match(missingMaxTokens.message, /max_tokens/);
      assert.equal(
        (missingMaxTokens.error as { error: { type: string } }).error.type,
        "invalid_request_error",
      );

      const badJson = await fetch(`${gateway.baseUrl}/v1/messages`, {
        method: "POST",
        headers: { "x-api-key": gateway.ownerKey, "content-type": "application/json" },
        body: "{not json",
      });
      assert.equal(badJson.status, 400);
      assert.equal(((await badJson.json()) as { type: string }).type, "error");

      upstreams.openai.setHandler(() =>
        replyWithCassette("openai/chat-error-404-model-not-found.cassette.yaml", 0),
      );
      const upstream404 = await client.messages
        .create({ model: "openai/gpt-4o-mini", max_tokens: 8, messages: [{ role: "user", content: "x" }] })
        .catch((error: unknown) => error);
      assert.ok(upstream404 instanceof Anthropic.NotFoundError);
    });

    it("[inbound anthropic] [mid-stream error] an upstream connection cut mid-stream arrives as an error the SDK raises", async () => {
      upstreams.openai.setHandler(() =>
        replyWithChunkFixture("openai/chat-stream-text-with-usage.chunks.txt", { destroyAfterFrames: 5 }),
      );
      const stream = client.messages.stream({
        model: "openai/gpt-4o-mini",
        max_tokens: 512,
        messages: [{ role: "user", content: "Name a holiday" }],
      });
      const { response } = await stream.withResponse();
      let text = "";
      stream.on("text", (delta) => {
        text += delta;
      });
      const raised = await stream.finalMessage().catch((error: unknown) => error);
      assert.ok(raised instanceof Anthropic.APIError);
      assert.equal((raised.error as { error: { type: string } }).error.type, "api_error");
      assert.ok(text.length > 0);
      const row = await usageRow(response.headers.get("x-request-id") ?? "");
      assert.equal(row.status, 502);
      assert.equal(row.endpoint, "/v1/messages");
    });
  });
});
