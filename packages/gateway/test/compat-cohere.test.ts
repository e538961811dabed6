// Cohere v2 through the gateway: every recording in fixtures/providers/cohere/ replayed by a fake
// Cohere on port 0, read back with the official openai SDK.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";
import {
  replyWithCassette,
  replyWithChunkFixture,
  replyWithJsonFixture,
  type FakeUpstream,
} from "./support/fake-upstream.ts";
import { fixturesMissing, readCassette, readChunkLines, readJsonFixture } from "./support/fixtures.ts";
import { readStreamUntilFailure } from "./support/read-stream-until-failure.ts";
import { startGatewayWithFakeUpstream } from "./support/start-gateway-with-fake-upstream.ts";
import type { TestGateway } from "./support/start-test-gateway.ts";

const chatModel = "compat/cohere-command-a";
const embedModel = "compat/cohere-embed";
const price = { price_source: "https://cohere.com/pricing", price_as_of: "2026-11-24" };

const testModels = [
  {
    id: chatModel,
    name: "Command A (compat test)",
    lab: "cohere",
    modality: "text",
    context_window: 256000,
    max_output_tokens: 8000,
    capabilities: ["tools", "vision", "json", "streaming", "reasoning"],
    released: "2025-03-13",
    routes: [
      {
        provider: "cohere",
        upstream_id: "command-a-03-2025",
        pricing: { input: "2.50", output: "10.00" },
        ...price,
      },
    ],
  },
  {
    id: embedModel,
    name: "Embed v4 (compat test)",
    lab: "cohere",
    modality: "embedding",
    context_window: 128000,
    max_output_tokens: 0,
    capabilities: [],
    released: "2025-04-15",
    routes: [{ provider: "cohere", upstream_id: "embed-v4.0", pricing: { input: "0.12" }, ...price }],
  },
];

const sse = (events: unknown[]): string[] =>
  events.map((event) => {
    const type = (event as { type?: string }).type;
    return `${type ? `event: ${type}\n` : ""}data: ${JSON.stringify(event)}\n\n`;
  });

describe("Cohere v2 adapter", { skip: fixturesMissing }, () => {
  let gateway: TestGateway;
  let upstream: FakeUpstream;
  const user = [{ role: "user" as const, content: "What is the capital of France?" }];

  let close: () => Promise<void>;
  before(async () => {
    ({ gateway, upstream, close } = await startGatewayWithFakeUpstream(testModels, (baseUrl) => ({
      COHERE_API_KEY: "test-cohere-key",
      COHERE_BASE_URL: baseUrl.replace(/\/v1$/, ""),
    })));
  });
  after(() => close());

  it("[text] answers from a recorded /v2/chat body with the slug, finish reason and Bearer auth", async () => {
    upstream.setHandler(() => replyWithJsonFixture("cohere/chat-text.json"));
    const completion = await gateway.openai.chat.completions.create({ model: chatModel, messages: user });
    assert.equal(completion.model, chatModel);
    assert.equal(completion.object, "chat.completion");
    assert.equal(completion.choices[0]?.message.content, "The capital of France is Paris.");
    assert.equal(completion.choices[0]?.finish_reason, "stop");
    const sent = upstream.requests.at(-1);
    assert.equal(sent?.path, "/v2/chat");
    assert.equal(sent?.headers.authorization, "Bearer test-cohere-key");
    assert.deepEqual(sent?.body, { model: "command-a-03-2025", messages: user, stream: false });
  });

  it("[text] sends the request Cohere's own SDK sent in a recorded cassette and reads its answer", async () => {
    const [recorded] = readCassette("cohere/chat.cassette.yaml");
    upstream.setHandler(() => replyWithCassette("cohere/chat.cassette.yaml"));
    const completion = await gateway.openai.chat.completions.create({
      model: chatModel,
      messages: [{ role: "user", content: "hello" }],
    });
    assert.equal(completion.choices[0]?.message.content, "Hello! How can I assist you today?");
    const expected = { ...(recorded?.request.body as Record<string, unknown>), model: "command-a-03-2025" };
    assert.deepEqual(upstream.requests.at(-1)?.body, expected);
  });

  it("[text] maps MAX_TOKENS to length and sends max_tokens", async () => {
    upstream.setHandler(() => replyWithJsonFixture("cohere/chat-max-tokens.json"));
    const completion = await gateway.openai.chat.completions.create({
      model: chatModel,
      messages: user,
      max_completion_tokens: 4,
      stop: ["\n\n"],
      temperature: 0.3,
      top_p: 0.8,
    });
    assert.equal(completion.choices[0]?.finish_reason, "length");
    assert.equal(completion.choices[0]?.message.content, "**The History of");
    const body = upstream.requests.at(-1)?.body;
    assert.equal(body?.max_tokens, 4);
    assert.deepEqual(body?.stop_sequences, ["\n\n"]);
    assert.equal(body?.p, 0.8);
    assert.equal(body?.temperature, 0.3);
  });

  it("[text] keeps Cohere's citations on the message, verbatim", async () => {
    upstream.setHandler(() => replyWithJsonFixture("cohere/chat-citations.json"));
    const completion = await gateway.openai.chat.completions.create({
      model: chatModel,
      messages: user,
      // Cohere's own RAG input, passed through for clients that know it.
      ...{ documents: [{ id: "doc:0", data: { text: "AI provides: 1. Automation of tasks" } }] },
    });
    const message = completion.choices[0]?.message as { citations?: { text: string; sources: unknown[] }[] };
    const recorded = readJsonFixture<{ message: { citations: unknown[] } }>("cohere/chat-citations.json");
    assert.deepEqual(message.citations, recorded.message.citations);
    assert.equal(message.citations?.[0]?.text, "Automation of tasks");
    assert.ok(Array.isArray(upstream.requests.at(-1)?.body.documents));
  });

  it("[stream] streams a recorded Cohere event stream as chat.completion.chunk objects", async () => {
    upstream.setHandler(() => replyWithChunkFixture("cohere/chat-stream-text.chunks.txt"));
    const stream = await gateway.openai.chat.completions.create({
      model: chatModel,
      messages: user,
      stream: true,
    });
    let text = "";
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined | null;
    const ids = new Set<string>();
    for await (const chunk of stream) {
      ids.add(chunk.id);
      assert.equal(chunk.model, chatModel);
      text += chunk.choices[0]?.delta.content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
      usage = chunk.usage ?? usage;
    }
    assert.equal(text, "The capital of France is Paris.");
    assert.equal(finish, "stop");
    assert.deepEqual([...ids], ["321d178c-2c12-44d3-ae42-2f5510f6b1cc"]);
    assert.equal(usage?.prompt_tokens, 12);
    assert.equal(upstream.requests.at(-1)?.body.stream, true);
  });

  it("[tools] returns Cohere's tool calls with the tool plan as content and sends the tools", async () => {
    upstream.setHandler(() => replyWithJsonFixture("cohere/chat-tool-call.json"));
    const tools: OpenAI.ChatCompletionTool[] = [
      {
        type: "function",
        function: {
          name: "weather",
          description: "Weather in a city",
          parameters: { type: "object", properties: { location: { type: "string" } } },
        },
      },
      {
        type: "function",
        function: {
          name: "cityAttractions",
          parameters: { type: "object", properties: { city: { type: "string" } } },
        },
      },
    ];
    const completion = await gateway.openai.chat.completions.create({
      model: chatModel,
      messages: [{ role: "user", content: "Weather and attractions in San Francisco?" }],
      tools,
      tool_choice: "required",
    });
    const message = completion.choices[0]?.message;
    assert.equal(completion.choices[0]?.finish_reason, "tool_calls");
    assert.match(message?.content ?? "", /^I will use the weather tool/);
    const calls = (message?.tool_calls ?? []) as OpenAI.ChatCompletionMessageFunctionToolCall[];
    assert.deepEqual(
      calls.map((call) => [call.id, call.function.name, JSON.parse(call.function.arguments) as unknown]),
      [
        ["weather_dqgshstja6p9", "weather", { location: "San Francisco" }],
        ["cityAttractions_dcxfx4myvx68", "cityAttractions", { city: "San Francisco" }],
      ],
    );
    const body = upstream.requests.at(-1)?.body;
    assert.equal(body?.tool_choice, "REQUIRED");
    assert.deepEqual(body?.tools, tools);
  });

  it('[tools] turns a recorded call with "null" arguments into {}', async () => {
    upstream.setHandler(() => replyWithJsonFixture("cohere/chat-null-args.json"));
    const completion = await gateway.openai.chat.completions.create({
      model: chatModel,
      messages: [{ role: "user", content: "What time is it?" }],
      tools: [
        {
          type: "function",
          function: { name: "currentTime", parameters: { type: "object", properties: {} } },
        },
      ],
    });
    const call = completion.choices[0]?.message
      .tool_calls?.[0] as OpenAI.ChatCompletionMessageFunctionToolCall;
    assert.equal(call.function.name, "currentTime");
    assert.equal(call.function.arguments, "{}");
  });

  it("[tools] sends turn 1's tool calls, tool plan and tool results back intact on turn 2", async () => {
    upstream.setHandler(() => replyWithJsonFixture("cohere/chat-tool-call.json"));
    const messages: OpenAI.ChatCompletionMessageParam[] = [
      { role: "user", content: "Weather in San Francisco?" },
    ];
    const tools: OpenAI.ChatCompletionTool[] = [
      { type: "function", function: { name: "weather", parameters: { type: "object", properties: {} } } },
      {
        type: "function",
        function: { name: "cityAttractions", parameters: { type: "object", properties: {} } },
      },
    ];
    const first = await gateway.openai.chat.completions.create({ model: chatModel, messages, tools });
    const assistant = first.choices[0]?.message;
    assert.ok(assistant);
    const calls = (assistant.tool_calls ?? []) as OpenAI.ChatCompletionMessageFunctionToolCall[];
    messages.push(
      assistant,
      ...calls.map((call) => ({ role: "tool" as const, tool_call_id: call.id, content: "sunny" })),
    );
    upstream.setHandler(() => replyWithJsonFixture("cohere/chat-text.json"));
    await gateway.openai.chat.completions.create({ model: chatModel, messages, tools });
    const recorded = readJsonFixture<{ message: { tool_plan: string; tool_calls: unknown[] } }>(
      "cohere/chat-tool-call.json",
    );
    const sent = upstream.requests.at(-1)?.body.messages as Record<string, unknown>[];
    assert.deepEqual(sent[1], {
      role: "assistant",
      tool_plan: recorded.message.tool_plan,
      tool_calls: recorded.message.tool_calls,
    });
    assert.deepEqual(sent.slice(2), [
      { role: "tool", tool_call_id: "weather_dqgshstja6p9", content: "sunny" },
      { role: "tool", tool_call_id: "cityAttractions_dcxfx4myvx68", content: "sunny" },
    ]);
  });

  it("[streamed tools] streams two recorded tool calls with stable indexes (SDK stream helper)", async () => {
    upstream.setHandler(() => replyWithCassette("cohere/chat-stream-tool-calls.cassette.yaml"));
    const indexes: number[] = [];
    let plan = "";
    const runner = gateway.openai.chat.completions
      .stream({
        model: chatModel,
        messages: [{ role: "user", content: "What is the weather and current time in Tokyo?" }],
        tools: [
          {
            type: "function",
            function: { name: "get_weather", parameters: { type: "object", properties: {} } },
          },
          {
            type: "function",
            function: { name: "get_time", parameters: { type: "object", properties: {} } },
          },
        ],
      })
      .on("chunk", (chunk) => {
        for (const call of chunk.choices[0]?.delta.tool_calls ?? []) indexes.push(call.index);
        plan += chunk.choices[0]?.delta.content ?? "";
      });
    const final = await runner.finalChatCompletion();
    const calls = (final.choices[0]?.message.tool_calls ??
      []) as OpenAI.ChatCompletionMessageFunctionToolCall[];
    assert.deepEqual(
      calls.map((call) => [call.id, call.function.name, JSON.parse(call.function.arguments) as unknown]),
      [
        ["get_time_dg5wwc00d8v5", "get_time", { location: "Tokyo" }],
        ["get_weather_bc8241gkqss5", "get_weather", { location: "Tokyo" }],
      ],
    );
    assert.deepEqual([...new Set(indexes)], [0, 1]);
    assert.equal(plan, "I will search for the current time and weather in Tokyo.");
    assert.equal(final.choices[0]?.finish_reason, "tool_calls");
    assert.equal(final.usage?.prompt_tokens, 62);
    assert.equal(final.usage?.completion_tokens, 28);
  });

  it("[reasoning] returns thinking as reasoning_content and maps reasoning_effort to a thinking budget", async () => {
    upstream.setHandler(() => replyWithJsonFixture("cohere/chat-reasoning.json"));
    const completion = await gateway.openai.chat.completions.create({
      model: chatModel,
      messages: [{ role: "user", content: "What is 2 + 2?" }],
      reasoning_effort: "high",
    });
    const message = completion.choices[0]?.message as OpenAI.ChatCompletionMessage & {
      reasoning_content?: string;
    };
    assert.equal(message.content, "2 + 2 = 4");
    assert.match(message.reasoning_content ?? "", /^Okay, so I need to figure out what 2 \+ 2 is/);
    assert.deepEqual(upstream.requests.at(-1)?.body.thinking, { type: "enabled", token_budget: 16384 });
  });

  it("[reasoning] replays turn 1's thinking to Cohere on turn 2", async () => {
    upstream.setHandler(() => replyWithJsonFixture("cohere/chat-reasoning.json"));
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: "user", content: "What is 2 + 2?" }];
    const first = await gateway.openai.chat.completions.create({ model: chatModel, messages });
    const assistant = first.choices[0]?.message as OpenAI.ChatCompletionMessage & {
      reasoning_content?: string;
    };
    messages.push(assistant, {
      role: "user",
      content: "And 3 + 3?",
    });
    upstream.setHandler(() => replyWithJsonFixture("cohere/chat-text.json"));
    await gateway.openai.chat.completions.create({ model: chatModel, messages });
    const sent = upstream.requests.at(-1)?.body.messages as Record<string, unknown>[];
    assert.deepEqual(sent[1], {
      role: "assistant",
      content: [
        { type: "thinking", thinking: assistant.reasoning_content },
        { type: "text", text: "2 + 2 = 4" },
      ],
    });
  });

  it("[usage] counts Cohere's billed units (what Cohere invoices, not its model tokens) and prices them", async () => {
    upstream.setHandler(() => replyWithJsonFixture("cohere/chat-text.json"));
    const { data, response } = await gateway.openai.chat.completions
      .create({ model: chatModel, messages: user })
      .withResponse();
    assert.equal(data.usage?.prompt_tokens, 12);
    assert.equal(data.usage?.completion_tokens, 7);
    assert.equal(data.usage?.total_tokens, 19);
    assert.equal(data.usage?.prompt_tokens_details?.cached_tokens ?? 0, 0);
    assert.ok(Number(response.headers.get("x-cost-cents")) > 0);
    assert.equal(response.headers.get("x-aig-provider"), "cohere");
  });

  it("[vision] sends image parts as Cohere image_url content", async () => {
    upstream.setHandler(() => replyWithJsonFixture("cohere/chat-text.json"));
    const image = { url: "data:image/png;base64,iVBORw0KGgo=", detail: "high" as const };
    await gateway.openai.chat.completions.create({
      model: chatModel,
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "What is this?" },
            { type: "image_url", image_url: image },
          ],
        },
      ],
    });
    const sent = upstream.requests.at(-1)?.body.messages as Record<string, unknown>[];
    assert.deepEqual(sent[0]?.content, [
      { type: "text", text: "What is this?" },
      { type: "image_url", image_url: image },
    ]);
  });

  it("[JSON schema] sends json_schema as Cohere's json_object response_format with the schema", async () => {
    upstream.setHandler(() => replyWithJsonFixture("cohere/chat-text.json"));
    const schema = { type: "object", properties: { capital: { type: "string" } }, required: ["capital"] };
    await gateway.openai.chat.completions.create({
      model: chatModel,
      messages: user,
      response_format: { type: "json_schema", json_schema: { name: "answer", schema } },
    });
    assert.deepEqual(upstream.requests.at(-1)?.body.response_format, {
      type: "json_object",
      json_schema: schema,
    });
  });

  it("[errors] reports parameters Cohere cannot express in x-aig-warning", async () => {
    upstream.setHandler(() => replyWithJsonFixture("cohere/chat-text.json"));
    const { response } = await gateway.openai.chat.completions
      .create({ model: chatModel, messages: user, logit_bias: { "50256": -100 }, n: 2 })
      .withResponse();
    assert.match(response.headers.get("x-aig-warning") ?? "", /logit_bias, n/);
    assert.equal(upstream.requests.at(-1)?.body.logit_bias, undefined);
  });

  it("[errors] maps the recorded embed 404 to model_not_found with Cohere's message", async () => {
    upstream.setHandler(() => replyWithCassette("cohere/embed-error-404.cassette.yaml"));
    await assert.rejects(
      gateway.openai.embeddings.create({ model: embedModel, input: "Hello, world!" }),
      (error: unknown) =>
        error instanceof OpenAI.NotFoundError &&
        (error.error as { type?: string }).type === "model_not_found" &&
        /model 'nonexistent' not found/.test(error.message),
    );
  });

  // No Cohere chat error was found recorded in public repositories (see the fixtures README); these
  // bodies follow Cohere's documented {message} shape.
  it("[errors] maps Cohere 401 to 502 and keeps 429's retry-after (documented error shape)", async () => {
    upstream.setHandler(() => ({
      status: 401,
      body: JSON.stringify({ id: "e1", message: "invalid api token" }),
    }));
    await assert.rejects(
      gateway.openai.chat.completions.create({ model: chatModel, messages: user }),
      (error: unknown) =>
        error instanceof OpenAI.APIError && error.status === 502 && /invalid api token/.test(error.message),
    );
    upstream.setHandler(() => ({
      status: 429,
      headers: { "content-type": "application/json", "retry-after": "7" },
      body: JSON.stringify({
        id: "e2",
        message: "You are using a Trial key, which is limited to 10 API calls / minute.",
      }),
    }));
    await assert.rejects(
      gateway.openai.chat.completions.create({ model: chatModel, messages: user }),
      (error: unknown) =>
        error instanceof OpenAI.RateLimitError &&
        error.headers?.get("retry-after") === "7" &&
        /Trial key/.test(error.message),
    );
    upstream.setHandler(() => ({
      status: 400,
      body: JSON.stringify({ message: "invalid request: prompt must be at least 1 token long." }),
    }));
    await assert.rejects(
      gateway.openai.chat.completions.create({ model: chatModel, messages: user }),
      (error: unknown) => error instanceof OpenAI.BadRequestError && /at least 1 token/.test(error.message),
    );
  });

  it("[mid-stream error] ends the stream with an error the SDK raises (message-end ERROR, reset, truncation)", async () => {
    const recorded = readChunkLines("cohere/chat-stream-text.chunks.txt")
      .slice(0, 4)
      .map((line) => JSON.parse(line) as unknown);
    const failing = sse([
      ...recorded,
      { type: "message-end", delta: { finish_reason: "ERROR", error: "internal error while generating" } },
    ]);
    const cases: [string, () => ReturnType<typeof replyWithChunkFixture>, RegExp][] = [
      [
        "finish_reason ERROR",
        () => ({ status: 200, headers: { "content-type": "text/event-stream" }, frames: failing }),
        /internal error while generating/,
      ],
      [
        "connection reset",
        () => replyWithChunkFixture("cohere/chat-stream-text.chunks.txt", { destroyAfterFrames: 4 }),
        /./,
      ],
      [
        "truncated",
        () => ({ status: 200, headers: { "content-type": "text/event-stream" }, frames: sse(recorded) }),
        /before it was complete/,
      ],
    ];
    for (const [name, reply, pattern] of cases) {
      upstream.setHandler(reply);
      const stream = await gateway.openai.chat.completions.create({
        model: chatModel,
        messages: user,
        stream: true,
      });
      const { text, error } = await readStreamUntilFailure(stream, name);
      assert.ok(error instanceof Error && pattern.test(error.message), name);
      assert.equal(text, "The capital", name);
    }
  });

  it("[usage] embeds through /v2/embed: floats, SDK base64 default, and billed tokens", async () => {
    const recorded = readJsonFixture<{ embeddings: { float: number[][] } }>("cohere/embed.json");
    upstream.setHandler(() => replyWithJsonFixture("cohere/embed.json"));
    const input = ["sunny day at the beach", "rainy day in the city"];
    const decoded = await gateway.openai.embeddings.create({ model: embedModel, input });
    assert.equal(decoded.model, embedModel);
    decoded.data.forEach((item, index) =>
      item.embedding.forEach((value, position) =>
        assert.ok(Math.abs(value - (recorded.embeddings.float[index]?.[position] ?? NaN)) < 1e-6),
      ),
    );
    assert.equal(decoded.usage.prompt_tokens, 10);
    const sent = upstream.requests.at(-1);
    assert.equal(sent?.path, "/v2/embed");
    assert.deepEqual(sent?.body, {
      model: "embed-v4.0",
      texts: input,
      input_type: "search_document",
      embedding_types: ["float"],
    });
    const floats = await gateway.openai.embeddings.create({
      model: embedModel,
      input,
      encoding_format: "float",
    });
    assert.deepEqual(floats.data[1]?.embedding, recorded.embeddings.float[1]);
  });
});
