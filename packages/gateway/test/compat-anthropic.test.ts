// The Anthropic Messages adapter through the real gateway: the official openai SDK as the client, a
// fake Anthropic on port 0 replaying every recording in fixtures/providers/anthropic/, and assertions
// on what the client got and on what the gateway sent upstream.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";
import {
  replyWithCassette,
  replyWithJsonFixture,
  type FakeReply,
  type FakeUpstream,
} from "./support/fake-upstream.ts";
import {
  fixturesMissing,
  readCassette,
  readChunkLines,
  readFixtureText,
  readJsonFixture,
} from "./support/fixtures.ts";
import { readStreamUntilFailure } from "./support/read-stream-until-failure.ts";
import { startGatewayWithFakeUpstream } from "./support/start-gateway-with-fake-upstream.ts";
import type { TestGateway } from "./support/start-test-gateway.ts";
import { waitFor } from "./support/wait-for.ts";

const dir = "anthropic/";

/** A test catalog entry routed to the anthropic provider (the shipped catalog is not ours to edit). */
function testModel(id: string, upstreamId: string, maxOutputTokens = 64000) {
  return {
    id,
    name: id,
    lab: "anthropic",
    modality: "text",
    context_window: 200000,
    max_output_tokens: maxOutputTokens,
    capabilities: ["tools", "vision", "json", "streaming", "reasoning", "caching"],
    released: "2025-09-29",
    routes: [
      {
        provider: "anthropic",
        upstream_id: upstreamId,
        pricing: { input: "3", output: "15", cached_input: "0.3", cache_write: "3.75" },
        price_source: "test",
        price_as_of: "2025-09-29",
      },
    ],
  };
}

const sonnet = "anthropic-test/claude-sonnet";
const haiku = "anthropic-test/claude-haiku";
const sonnet4 = "anthropic-test/claude-sonnet-4";

/** A chunks.txt recording as Anthropic's wire stream: each event with its `event:` line, no [DONE]. */
function anthropicFrames(name: string): string[] {
  return readChunkLines(`${dir}${name}`).map((line) => {
    const type = (JSON.parse(line) as { type: string }).type;
    return `event: ${type}\ndata: ${line}\n\n`;
  });
}

function replyWithAnthropicStream(frames: string[]): FakeReply {
  return { status: 200, headers: { "content-type": "text/event-stream; charset=utf-8" }, frames };
}

/** The request a cassette recorded, with pydantic-ai's `is_error: false` (no OpenAI counterpart) removed. */
function recordedRequest(name: string, index: number): Record<string, unknown> {
  const body = structuredClone(readCassette(`${dir}${name}`)[index]?.request.body) as Record<string, unknown>;
  for (const message of body.messages as { content: unknown }[]) {
    if (!Array.isArray(message.content)) continue;
    for (const block of message.content as Record<string, unknown>[]) {
      if (block.is_error === false) delete block.is_error;
    }
  }
  return body;
}

type ReasoningMessage = OpenAI.ChatCompletionMessage & {
  reasoning_content?: string;
  reasoning_details?: { type: string; text?: string; signature?: string; data?: string; format?: string }[];
};

describe("Anthropic Messages upstream through the openai SDK", { skip: fixturesMissing }, () => {
  let gateway: TestGateway;
  let upstream: FakeUpstream;
  const lastSent = (): Record<string, unknown> => upstream.requests.at(-1)?.body ?? {};

  let close: () => Promise<void>;
  before(async () => {
    const models = [
      testModel(sonnet, "claude-sonnet-4-5"),
      testModel(haiku, "claude-haiku-4-5"),
      testModel(sonnet4, "claude-sonnet-4-0"),
    ];
    ({ gateway, upstream, close } = await startGatewayWithFakeUpstream(models, (baseUrl) => ({
      ANTHROPIC_API_KEY: "test-anthropic-key",
      // The API root, as the Anthropic SDK takes it: the adapter adds /v1/messages.
      ANTHROPIC_BASE_URL: baseUrl.replace(/\/v1$/, ""),
      ANTHROPIC_BETA: "prompt-caching-2024-07-31",
    })));
  });
  after(() => close());

  it("[text] answers with the recorded message, usage, cost, and sends Anthropic's headers", async () => {
    upstream.setHandler(() => replyWithJsonFixture(`${dir}messages-text.json`));
    const { data, response } = await gateway.openai.chat.completions
      .create({
        model: sonnet,
        messages: [
          { role: "system", content: "You are friendly." },
          { role: "user", content: "Hello, how are you?" },
        ],
      })
      .withResponse();
    const recorded = readJsonFixture<{ content: { text: string }[] }>(`${dir}messages-text.json`);
    assert.equal(data.choices[0]?.message.content, recorded.content[0]?.text);
    assert.equal(data.choices[0]?.finish_reason, "stop");
    assert.equal(data.model, sonnet);
    assert.equal(data.usage?.prompt_tokens, 12);
    assert.equal(data.usage?.completion_tokens, 29);
    assert.ok(Number(response.headers.get("x-cost-cents")) > 0);
    assert.equal(response.headers.get("x-aig-provider"), "anthropic");

    const sent = upstream.requests.at(-1);
    assert.equal(sent?.path, "/v1/messages");
    assert.equal(sent?.headers["x-api-key"], "test-anthropic-key");
    assert.equal(sent?.headers["anthropic-version"], "2023-06-01");
    assert.equal(sent?.headers["anthropic-beta"], "prompt-caching-2024-07-31");
    assert.match(String(sent?.headers["content-type"]), /application\/json/);
    assert.equal(sent?.headers.authorization, undefined);
    assert.deepEqual(sent?.body, {
      model: "claude-sonnet-4-5",
      // No max_tokens from the client: the catalog model's output limit.
      max_tokens: 64000,
      system: [{ type: "text", text: "You are friendly." }],
      messages: [{ role: "user", content: "Hello, how are you?" }],
    });
  });

  it("[text] reports parameters Anthropic cannot express in x-aig-warning", async () => {
    upstream.setHandler(() => replyWithJsonFixture(`${dir}messages-text.json`));
    const { response } = await gateway.openai.chat.completions
      .create({
        model: sonnet,
        messages: [{ role: "user", content: "Hi" }],
        seed: 7,
        presence_penalty: 0.5,
        stop: ["END"],
        temperature: 0.4,
        max_tokens: 100,
      })
      .withResponse();
    assert.match(response.headers.get("x-aig-warning") ?? "", /seed, presence_penalty/);
    const sent = lastSent();
    assert.equal(sent.seed, undefined);
    assert.deepEqual(sent.stop_sequences, ["END"]);
    assert.equal(sent.temperature, 0.4);
    assert.equal(sent.max_tokens, 100);
  });

  it("[stream] streams the recorded text and ends with the usage chunk", async () => {
    upstream.setHandler(() => replyWithAnthropicStream(anthropicFrames("messages-stream-text.chunks.txt")));
    const stream = await gateway.openai.chat.completions.create({
      model: sonnet,
      messages: [{ role: "user", content: "Hello" }],
      stream: true,
    });
    let text = "";
    let usage: OpenAI.CompletionUsage | undefined;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      assert.equal(chunk.model, sonnet);
      text += chunk.choices[0]?.delta.content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    const recorded = readChunkLines(`${dir}messages-stream-text.chunks.txt`)
      .map((line) => JSON.parse(line) as { delta?: { text?: string } })
      .map((event) => event.delta?.text ?? "")
      .join("");
    assert.equal(text, recorded);
    assert.equal(finish, "stop");
    assert.equal(usage?.prompt_tokens, 12);
    assert.equal(usage?.completion_tokens, 30);
    assert.ok(((usage as { cost?: number } | undefined)?.cost ?? 0) > 0);
    assert.equal(lastSent().stream, true);
  });

  it("[usage] takes input_tokens from message_delta when it revises message_start's", async () => {
    upstream.setHandler(() =>
      replyWithAnthropicStream(anthropicFrames("messages-stream-message-delta-input-tokens.chunks.txt")),
    );
    const stream = await gateway.openai.chat.completions.create({
      model: sonnet,
      messages: [{ role: "user", content: "ping" }],
      stream: true,
    });
    let text = "";
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      if (chunk.usage) usage = chunk.usage;
    }
    assert.equal(text, "pong");
    assert.equal(usage?.prompt_tokens, 61);
    assert.equal(usage?.completion_tokens, 2);
  });

  it("[usage] reports cache writes and reads in the streamed usage chunk as in the non-streamed answer", async () => {
    // The recordings wrote and read no cache; the same recordings with a prompt-cache write of 1000 and
    // a read of 500 tokens (message_delta repeats message_start's counts, as Anthropic sends them).
    const withCache = (text: string): string =>
      text
        .replace(/"cache_creation_input_tokens":\s*0\b/g, '"cache_creation_input_tokens":1000')
        .replace(/"cache_read_input_tokens":\s*0\b/g, '"cache_read_input_tokens":500');
    upstream.setHandler(() => ({
      status: 200,
      headers: { "content-type": "application/json" },
      body: withCache(readFixtureText(`${dir}messages-text.json`)),
    }));
    const answered = await gateway.openai.chat.completions.create({
      model: sonnet,
      messages: [{ role: "user", content: "Hello" }],
    });
    upstream.setHandler(() =>
      replyWithAnthropicStream(
        anthropicFrames("messages-stream-text.chunks.txt").map((frame) => withCache(frame)),
      ),
    );
    const stream = await gateway.openai.chat.completions.create({
      model: sonnet,
      messages: [{ role: "user", content: "Hello" }],
      stream: true,
    });
    let streamed: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) if (chunk.usage) streamed = chunk.usage;
    const cacheFields = { cached_tokens: 500, cache_write_tokens: 1000 };
    assert.deepEqual(answered.usage?.prompt_tokens_details, cacheFields);
    assert.deepEqual(streamed?.prompt_tokens_details, cacheFields);
    assert.equal(streamed?.prompt_tokens, 1512); // 12 uncached + 500 read + 1000 written
    assert.equal(answered.usage?.prompt_tokens, 1512);
    // 12 × $3/M + 500 × $0.30/M + 1000 × $3.75/M + 30 output × $15/M
    assert.equal((streamed as { cost?: number } | undefined)?.cost, 0.004386);
  });

  it("[usage] reports Anthropic's counts in OpenAI's usage fields with the cost", async () => {
    upstream.setHandler(() => replyWithJsonFixture(`${dir}messages-thinking-opus.json`));
    const data = await gateway.openai.chat.completions.create({
      model: sonnet,
      messages: [{ role: "user", content: "Solve x^3 - 6x^2 + 11x - 6 = 0" }],
    });
    assert.equal(data.usage?.prompt_tokens, 51);
    assert.equal(data.usage?.completion_tokens, 1699);
    assert.equal(data.usage?.total_tokens, 1750);
    assert.equal(data.usage?.prompt_tokens_details?.cached_tokens, 0);
    assert.equal(data.usage?.completion_tokens_details?.reasoning_tokens, 139);
    // 51 × $3/M + 1699 × $15/M
    assert.equal((data.usage as { cost?: number }).cost, 0.025638);
  });

  it("[tools] returns parallel tool calls and sends the results back as one user turn (multi-turn)", async () => {
    const cassette = "messages-parallel-tool-calls.cassette.yaml";
    const first = recordedRequest(cassette, 0);
    const tools: OpenAI.ChatCompletionTool[] = [
      {
        type: "function",
        function: {
          name: "retrieve_entity_info",
          description: "Get the knowledge about the given entity.",
          parameters: (first.tools as { input_schema: Record<string, unknown> }[])[0]?.input_schema ?? {},
        },
      },
    ];
    const messages: OpenAI.ChatCompletionMessageParam[] = [
      { role: "system", content: String(first.system) },
      {
        role: "user",
        content: [{ type: "text", text: "Alice, Bob, Charlie and Daisy are a family. Who is the youngest?" }],
      },
    ];
    upstream.setHandler(() => replyWithCassette(`${dir}${cassette}`, 0));
    const turn1 = await gateway.openai.chat.completions.create({
      model: haiku,
      messages,
      tools,
      tool_choice: "auto",
      max_tokens: 4096,
    });
    const assistant = turn1.choices[0]?.message;
    assert.equal(turn1.choices[0]?.finish_reason, "tool_calls");
    assert.deepEqual(
      assistant?.tool_calls?.map((call) =>
        call.type === "function" ? (JSON.parse(call.function.arguments) as unknown) : {},
      ),
      [{ name: "Alice" }, { name: "Bob" }, { name: "Charlie" }, { name: "Daisy" }],
    );
    const sent1 = lastSent();
    assert.deepEqual(sent1.messages, first.messages);
    assert.deepEqual(sent1.tools, first.tools);
    assert.deepEqual(sent1.tool_choice, first.tool_choice);
    assert.equal(sent1.model, first.model);
    assert.equal(sent1.max_tokens, first.max_tokens);
    assert.deepEqual(sent1.system, [{ type: "text", text: first.system }]);

    const results = ["alice is bob's wife", "bob is alice's husband", "charlie is alice's son"];
    results.push("daisy is bob's daughter and charlie's younger sister");
    upstream.setHandler(() => replyWithCassette(`${dir}${cassette}`, 1));
    const turn2 = await gateway.openai.chat.completions.create({
      model: haiku,
      messages: [
        ...messages,
        ...(assistant ? [assistant] : []),
        ...(assistant?.tool_calls ?? []).map((call, index) => ({
          role: "tool" as const,
          tool_call_id: call.id,
          content: results[index] ?? "",
        })),
      ],
      tools,
      tool_choice: "auto",
      max_tokens: 4096,
    });
    assert.match(turn2.choices[0]?.message.content ?? "", /Daisy is the youngest/);
    assert.deepEqual(lastSent().messages, recordedRequest(cassette, 1).messages);
  });

  it("[tools] turns a tool call without arguments into arguments {}", async () => {
    upstream.setHandler(() => replyWithJsonFixture(`${dir}messages-tool-use-no-args.json`));
    const data = await gateway.openai.chat.completions.create({
      model: sonnet,
      messages: [{ role: "user", content: "Update the issue list" }],
      tools: [{ type: "function", function: { name: "updateIssueList", parameters: { type: "object" } } }],
    });
    const message = data.choices[0]?.message;
    assert.match(message?.content ?? "", /update the current issue list/);
    const call = message?.tool_calls?.[0];
    assert.equal(call?.id, "toolu_01LRmxn9vGM1d2DZSDBowdZ1");
    assert.deepEqual(call?.type === "function" ? call.function : undefined, {
      name: "updateIssueList",
      arguments: "{}",
    });
  });

  it("[streamed tools] assembles two streamed tool calls with the SDK's stream helper", async () => {
    upstream.setHandler(() => replyWithCassette(`${dir}messages-stream-tool-use.cassette.yaml`));
    const recordedTools = (
      recordedRequest("messages-stream-tool-use.cassette.yaml", 0).tools as {
        name: string;
        description: string;
        input_schema: Record<string, unknown>;
      }[]
    ).map((tool) => ({
      type: "function" as const,
      function: { name: tool.name, description: tool.description, parameters: tool.input_schema },
    }));
    const runner = gateway.openai.chat.completions.stream({
      model: sonnet,
      messages: [{ role: "user", content: "What is the weather and current time in San Francisco?" }],
      tools: recordedTools,
    });
    const final = await runner.finalChatCompletion();
    const message = final.choices[0]?.message;
    assert.equal(final.choices[0]?.finish_reason, "tool_calls");
    assert.match(message?.content ?? "", /^Certainly! I can help you/);
    const calls = (message?.tool_calls ?? []).map((call) =>
      call.type === "function"
        ? { id: call.id, name: call.function.name, args: JSON.parse(call.function.arguments) as unknown }
        : {},
    );
    assert.deepEqual(calls, [
      {
        id: "toolu_014x5X91kx3fvdhpLvwXZWE2",
        name: "get_weather",
        args: { location: "San Francisco, CA", unit: "celsius" },
      },
      { id: "toolu_0121kXsENLvoDZ72LCuAnCCz", name: "get_time", args: { timezone: "America/Los_Angeles" } },
    ]);
    assert.deepEqual(lastSent().tools, recordedRequest("messages-stream-tool-use.cassette.yaml", 0).tools);
  });

  it("[vision] sends data: images as base64 sources and http images as url sources", async () => {
    upstream.setHandler(() => replyWithJsonFixture(`${dir}messages-text.json`));
    await gateway.openai.chat.completions.create({
      model: sonnet,
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "Compare these." },
            { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
            { type: "image_url", image_url: { url: "https://example.com/cat.jpg", detail: "high" } },
          ],
        },
      ],
    });
    assert.deepEqual((lastSent().messages as { content: unknown }[])[0]?.content, [
      { type: "text", text: "Compare these." },
      { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
      { type: "image", source: { type: "url", url: "https://example.com/cat.jpg" } },
    ]);
  });

  it("[usage] passes prompt-caching marks on parts, messages and tools through to Anthropic", async () => {
    upstream.setHandler(() => replyWithJsonFixture(`${dir}messages-text.json`));
    const ephemeral = { type: "ephemeral" };
    await gateway.openai.chat.completions.create({
      model: sonnet,
      messages: [
        {
          role: "system",
          content: [{ type: "text", text: "A long shared prompt.", cache_control: ephemeral }],
        },
        { role: "user", content: "Question", cache_control: ephemeral },
      ] as unknown as OpenAI.ChatCompletionMessageParam[],
      tools: [
        {
          type: "function",
          function: { name: "lookup", parameters: { type: "object" } },
          cache_control: ephemeral,
        },
      ] as unknown as OpenAI.ChatCompletionTool[],
    });
    const sent = lastSent();
    assert.deepEqual(sent.system, [
      { type: "text", text: "A long shared prompt.", cache_control: ephemeral },
    ]);
    assert.deepEqual(sent.messages, [
      { role: "user", content: [{ type: "text", text: "Question", cache_control: ephemeral }] },
    ]);
    assert.deepEqual(sent.tools, [
      { name: "lookup", input_schema: { type: "object" }, cache_control: ephemeral },
    ]);
  });

  it("[JSON schema] answers json_schema through a forced tool whose input is the content", async () => {
    upstream.setHandler(() => replyWithJsonFixture(`${dir}messages-tool-use-json.json`));
    const schema = {
      type: "object",
      properties: { elements: { type: "array", items: { type: "object" } } },
      required: ["elements"],
    };
    const data = await gateway.openai.chat.completions.create({
      model: haiku,
      messages: [{ role: "user", content: "Weather in four cities as JSON" }],
      response_format: { type: "json_schema", json_schema: { name: "weather", schema } },
    });
    const recorded = readJsonFixture<{ content: { input: unknown }[] }>(`${dir}messages-tool-use-json.json`);
    assert.equal(data.choices[0]?.finish_reason, "stop");
    assert.equal(data.choices[0]?.message.tool_calls, undefined);
    assert.deepEqual(JSON.parse(data.choices[0]?.message.content ?? ""), recorded.content[0]?.input);
    const sent = lastSent();
    assert.deepEqual(sent.tools, [
      { name: "json", description: "Respond with a JSON object.", input_schema: schema },
    ]);
    assert.deepEqual(sent.tool_choice, { type: "tool", name: "json" });
  });

  it("[JSON schema] streams a json_schema answer as content", async () => {
    upstream.setHandler(() =>
      replyWithAnthropicStream(anthropicFrames("messages-stream-tool-use-json.chunks.txt")),
    );
    const runner = gateway.openai.chat.completions.stream({
      model: haiku,
      messages: [{ role: "user", content: "Weather as JSON" }],
      response_format: { type: "json_schema", json_schema: { name: "weather", schema: { type: "object" } } },
    });
    const final = await runner.finalChatCompletion();
    assert.equal(final.choices[0]?.finish_reason, "stop");
    assert.deepEqual(JSON.parse(final.choices[0]?.message.content ?? ""), {
      elements: [{ location: "San Francisco", temperature: 58, condition: "sunny" }],
    });
  });

  it("[reasoning] maps reasoning_effort to a thinking budget and returns thinking with its signature", async () => {
    upstream.setHandler(() => replyWithJsonFixture(`${dir}messages-thinking-opus.json`));
    const data = await gateway.openai.chat.completions.create({
      model: sonnet,
      messages: [{ role: "user", content: "Find all roots of x^3 - 6x^2 + 11x - 6" }],
      reasoning_effort: "high",
    });
    const recorded = readJsonFixture<{ content: { thinking?: string; signature?: string; text?: string }[] }>(
      `${dir}messages-thinking-opus.json`,
    );
    const message = data.choices[0]?.message as ReasoningMessage | undefined;
    assert.equal(message?.reasoning_content, recorded.content[0]?.thinking);
    assert.deepEqual(message?.reasoning_details, [
      {
        type: "reasoning.text",
        text: recorded.content[0]?.thinking,
        signature: recorded.content[0]?.signature,
        format: "anthropic-claude-v1",
        index: 0,
      },
    ]);
    assert.equal(message?.content, recorded.content[1]?.text);
    assert.deepEqual(lastSent().thinking, { type: "enabled", budget_tokens: 32768 });
  });

  it("[reasoning] streams thinking deltas and the signature as reasoning_details", async () => {
    upstream.setHandler(() =>
      replyWithAnthropicStream(anthropicFrames("messages-stream-thinking.chunks.txt")),
    );
    const stream = await gateway.openai.chat.completions.create({
      model: sonnet,
      messages: [{ role: "user", content: "Divide the previous result by 5" }],
      reasoning_effort: "low",
      stream: true,
    });
    let reasoning = "";
    let detailText = "";
    let signature = "";
    let content = "";
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta as
        | (OpenAI.ChatCompletionChunk.Choice.Delta & {
            reasoning_content?: string;
            reasoning_details?: { text?: string; signature?: string; index?: number }[];
          })
        | undefined;
      reasoning += delta?.reasoning_content ?? "";
      content += delta?.content ?? "";
      for (const detail of delta?.reasoning_details ?? []) {
        assert.equal(detail.index, 0);
        detailText += detail.text ?? "";
        if (detail.signature) signature = detail.signature;
      }
    }
    const events = readChunkLines(`${dir}messages-stream-thinking.chunks.txt`).map(
      (line) => JSON.parse(line) as { delta?: { thinking?: string; signature?: string } },
    );
    const recordedThinking = events.map((event) => event.delta?.thinking ?? "").join("");
    assert.equal(reasoning, recordedThinking);
    assert.equal(detailText, recordedThinking);
    assert.equal(signature, events.find((event) => event.delta?.signature)?.delta?.signature);
    assert.equal(content, "925 ÷ 5 = 185");
  });

  it("[reasoning] replays the signed thinking block before the tool call on the next turn (multi-turn)", async () => {
    const cassette = "messages-tool-use-with-thinking.cassette.yaml";
    const first = recordedRequest(cassette, 0);
    const tools: OpenAI.ChatCompletionTool[] = [
      {
        type: "function",
        function: {
          name: "get_user_country",
          description: "",
          parameters: (first.tools as { input_schema: Record<string, unknown> }[])[0]?.input_schema ?? {},
        },
      },
    ];
    const messages: OpenAI.ChatCompletionMessageParam[] = [
      { role: "user", content: [{ type: "text", text: "What is the largest city in the user country?" }] },
    ];
    // Anthropic's own thinking object passes through, so the request can match the recording exactly.
    const thinking = { type: "enabled", budget_tokens: 3000 };
    const create = (body: OpenAI.ChatCompletionCreateParamsNonStreaming) =>
      gateway.openai.chat.completions.create({
        ...body,
        thinking,
      } as OpenAI.ChatCompletionCreateParamsNonStreaming);

    upstream.setHandler(() => replyWithCassette(`${dir}${cassette}`, 0));
    const turn1 = await create({ model: sonnet4, messages, tools, tool_choice: "auto", max_tokens: 4096 });
    const { stream: _stream, ...firstWithoutStream } = first;
    assert.deepEqual(lastSent(), firstWithoutStream);
    const assistant = turn1.choices[0]?.message as ReasoningMessage;
    assert.equal(turn1.choices[0]?.finish_reason, "tool_calls");
    assert.match(assistant.reasoning_content ?? "", /get_user_country/);
    assert.ok(assistant.reasoning_details?.[0]?.signature);

    upstream.setHandler(() => replyWithCassette(`${dir}${cassette}`, 1));
    const turn2 = await create({
      model: sonnet4,
      messages: [
        ...messages,
        assistant,
        { role: "tool", tool_call_id: assistant.tool_calls?.[0]?.id ?? "", content: "Mexico" },
      ],
      tools,
      tool_choice: "auto",
      max_tokens: 4096,
    });
    assert.match(turn2.choices[0]?.message.content ?? "", /Mexico City/);
    const { stream: _stream2, ...secondWithoutStream } = recordedRequest(cassette, 1);
    assert.deepEqual(lastSent(), secondWithoutStream);
  });

  for (const [cassette, status, message] of [
    [
      "messages-error-400-invalid-request.cassette.yaml",
      400,
      /messages\.0: Input does not match the expected shape/,
    ],
    ["messages-error-400-invalid-effort.cassette.yaml", 400, /does not support effort level 'xhigh'/],
    ["messages-error-404-model-not-found.cassette.yaml", 404, /model: claude-sonet-4-5/],
  ] as const) {
    it(`[errors] maps the recorded ${status} (${cassette}) with the vendor's message`, async () => {
      upstream.setHandler(() => replyWithCassette(`${dir}${cassette}`));
      const error = await gateway.openai.chat.completions
        .create({ model: sonnet, messages: [{ role: "user", content: "hi" }], reasoning_effort: "xhigh" })
        .catch((caught: unknown) => caught);
      assert.ok(error instanceof OpenAI.APIError);
      assert.equal(error.status, status);
      assert.match(error.message, message);
    });
  }

  // No 401, 429 or 529 Anthropic response was found recorded (fixtures README, "known gaps"): these
  // bodies follow Anthropic's documented error envelope.
  it("[errors] maps 401 to 502, keeps retry-after on 429 and answers 529 overloaded with 503", async () => {
    const envelope = (type: string, message: string) =>
      JSON.stringify({ type: "error", error: { type, message } });
    const cases = [
      {
        status: 401,
        body: envelope("authentication_error", "invalid x-api-key"),
        expected: 502,
        type: "provider_error",
      },
      {
        status: 429,
        body: envelope("rate_limit_error", "Number of requests has exceeded your rate limit"),
        expected: 429,
        type: "rate_limit_error",
      },
      {
        status: 529,
        body: envelope("overloaded_error", "Overloaded"),
        expected: 503,
        type: "service_unavailable",
      },
    ];
    for (const { status, body, expected, type } of cases) {
      upstream.setHandler(() => ({
        status,
        headers: { "content-type": "application/json", "retry-after": "17" },
        body,
      }));
      const error = await gateway.openai.chat.completions
        .create({ model: sonnet, messages: [{ role: "user", content: "hi" }] })
        .catch((caught: unknown) => caught);
      assert.ok(error instanceof OpenAI.APIError);
      assert.equal(error.status, expected);
      assert.equal((error.error as { type?: string }).type, type);
      if (status === 429) assert.equal((error.headers as Headers | undefined)?.get("retry-after"), "17");
    }
  });

  it("[mid-stream error] ends the stream with an error the SDK raises after the text so far", async () => {
    // Anthropic's documented in-stream error event; none was found recorded (fixtures README).
    const frames = anthropicFrames("messages-stream-text.chunks.txt").slice(0, 5);
    frames.push(
      'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n',
    );
    upstream.setHandler(() => replyWithAnthropicStream(frames));
    const stream = await gateway.openai.chat.completions.create({
      model: sonnet,
      messages: [{ role: "user", content: "Hello" }],
      stream: true,
    });
    const { text, error } = await readStreamUntilFailure(stream);
    assert.equal(text, "Hello! I");
    assert.ok(error instanceof OpenAI.APIError);
    assert.match(error.message, /overloaded/i);
    assert.equal((error.error as { type?: string } | undefined)?.type, "service_unavailable");
    const failed = await waitFor(async () => {
      const response = await fetch(`${gateway.baseUrl}/v1/usage/recent?limit=1`, {
        headers: { authorization: `Bearer ${gateway.ownerKey}` },
      });
      const rows = ((await response.json()) as { data: { status: number; model: string }[] }).data;
      return rows[0]?.status === 503 ? rows[0] : undefined;
    });
    assert.equal(failed.model, sonnet);
  });

  it("[mid-stream error] reports a stream cut before message_stop as an error", async () => {
    const frames = anthropicFrames("messages-stream-text.chunks.txt").slice(0, -1);
    upstream.setHandler(() => replyWithAnthropicStream(frames));
    const stream = await gateway.openai.chat.completions.create({
      model: sonnet,
      messages: [{ role: "user", content: "Hello" }],
      stream: true,
    });
    const error = await (async () => {
      for await (const _chunk of stream) {
        // Drained until the error.
      }
    })().catch((caught: unknown) => caught);
    assert.ok(error instanceof OpenAI.APIError);
    assert.match(error.message, /message_stop/);
  });
});
