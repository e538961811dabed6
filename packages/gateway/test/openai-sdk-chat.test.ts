// The official openai SDK against the gateway, whose upstreams replay real recorded provider traffic.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type OpenAI from "openai";
import {
  replyWithCassette,
  replyWithChunkFixture,
  replyWithJsonFixture,
  startFakeUpstream,
  type FakeUpstream,
} from "./support/fake-upstream.ts";
import { fixturesMissing, readCassette, readChunkLines, readJsonFixture } from "./support/fixtures.ts";
import { startTestGateway, type TestGateway } from "./support/start-test-gateway.ts";

const vendors = ["openai", "groq", "deepseek", "mistral", "xai", "openrouter"] as const;

describe("chat completions through the openai SDK", { skip: fixturesMissing }, () => {
  let gateway: TestGateway;
  const upstreams = {} as Record<(typeof vendors)[number], FakeUpstream>;

  before(async () => {
    const env: Record<string, string> = {};
    for (const vendor of vendors) {
      upstreams[vendor] = await startFakeUpstream(() => ({ status: 500, body: "{}" }));
      const prefix = vendor.toUpperCase();
      env[`${prefix}_API_KEY`] = `test-${vendor}-key`;
      env[`${prefix}_BASE_URL`] = upstreams[vendor].baseUrl;
    }
    gateway = await startTestGateway(env);
  });
  after(async () => {
    await gateway.close();
    for (const upstream of Object.values(upstreams)) await upstream.close();
  });

  it("[openai] [text] [usage] answers a text request with the upstream's message, the slug, usage and cost", async () => {
    upstreams.openai.setHandler(() => replyWithJsonFixture("openai/chat-completion-text.json"));
    const { data, response } = await gateway.openai.chat.completions
      .create({ model: "openai/gpt-4.1-nano", messages: [{ role: "user", content: "Hello" }] })
      .withResponse();
    assert.equal(data.model, "openai/gpt-4.1-nano");
    assert.ok(data.choices[0]?.message.content?.length);
    assert.ok(data.usage && data.usage.prompt_tokens > 0);
    const cost = (data.usage as { cost?: number }).cost;
    assert.equal(typeof cost, "number");
    assert.ok(Number(response.headers.get("x-cost-cents")) > 0);
    assert.equal(Number(response.headers.get("x-cost-cents")), Number(((cost ?? 0) * 100).toFixed(6)));
    assert.match(response.headers.get("x-request-id") ?? "", /^req_/);
    const sent = upstreams.openai.requests.at(-1);
    assert.equal(sent?.body.model, "gpt-4.1-nano");
    assert.equal(sent?.headers.authorization, "Bearer test-openai-key");
  });

  it("[openai] [vision] [JSON schema] forwards images, tools, tool_choice, json_schema, stop, seed, n and user to the provider", async () => {
    upstreams.openai.setHandler(() => replyWithJsonFixture("openai/chat-completion-text.json"));
    const tools: OpenAI.ChatCompletionTool[] = [
      { type: "function", function: { name: "lookup", parameters: { type: "object", properties: {} } } },
    ];
    const responseFormat = {
      type: "json_schema" as const,
      json_schema: {
        name: "answer",
        schema: { type: "object", properties: { a: { type: "string" } } },
        strict: true,
      },
    };
    await gateway.openai.chat.completions.create({
      model: "openai/gpt-4o-mini",
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "What is in this image?" },
            { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=", detail: "low" } },
          ],
        },
      ],
      tools,
      tool_choice: { type: "function", function: { name: "lookup" } },
      response_format: responseFormat,
      stop: ["END"],
      seed: 42,
      n: 2,
      user: "user-7",
      max_completion_tokens: 64,
    });
    const sent = upstreams.openai.requests.at(-1)?.body ?? {};
    assert.equal(sent.model, "gpt-4o-mini");
    assert.deepEqual((sent.messages as { content: unknown }[])[0]?.content, [
      { type: "text", text: "What is in this image?" },
      { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=", detail: "low" } },
    ]);
    assert.deepEqual(sent.tools, tools);
    assert.deepEqual(sent.tool_choice, { type: "function", function: { name: "lookup" } });
    assert.deepEqual(sent.response_format, responseFormat);
    assert.deepEqual(sent.stop, ["END"]);
    assert.equal(sent.seed, 42);
    assert.equal(sent.n, 2);
    assert.equal(sent.user, "user-7");
    assert.equal(sent.max_tokens, 64);
  });

  it("[openai] [stream] [usage] streams text chunk by chunk and ends with a usage chunk carrying the cost", async () => {
    upstreams.openai.setHandler(() => replyWithChunkFixture("openai/chat-stream-text-with-usage.chunks.txt"));
    const stream = await gateway.openai.chat.completions.create({
      model: "openai/gpt-4.1-nano",
      messages: [{ role: "user", content: "Write a poem" }],
      stream: true,
    });
    let text = "";
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      assert.equal(chunk.model, "openai/gpt-4.1-nano");
      text += chunk.choices[0]?.delta.content ?? "";
      if (chunk.usage) usage = chunk.usage;
    }
    const recorded = readChunkLines("openai/chat-stream-text-with-usage.chunks.txt")
      .map((line) => JSON.parse(line) as OpenAI.ChatCompletionChunk)
      .map((chunk) => chunk.choices[0]?.delta.content ?? "")
      .join("");
    assert.equal(text, recorded);
    assert.equal(usage?.prompt_tokens, 16);
    assert.equal(usage?.completion_tokens, 300);
    assert.ok(((usage as { cost?: number } | undefined)?.cost ?? 0) > 0);
    assert.deepEqual(upstreams.openai.requests.at(-1)?.body.stream_options, { include_usage: true });
  });

  it("[openai] [streamed tools] assembles a streamed tool call with the SDK's stream helper", async () => {
    upstreams.openai.setHandler(() => replyWithCassette("openai/chat-stream-tool-call.cassette.yaml"));
    const runner = gateway.openai.chat.completions.stream({
      model: "openai/gpt-3.5-turbo",
      messages: [{ role: "user", content: "What's the weather like in San Francisco?" }],
      tools: [
        {
          type: "function",
          function: {
            name: "get_current_weather",
            parameters: { type: "object", properties: { location: { type: "string" } } },
          },
        },
      ],
    });
    const final = await runner.finalChatCompletion();
    const call = final.choices[0]?.message.tool_calls?.[0];
    assert.equal(final.choices[0]?.finish_reason, "tool_calls");
    assert.equal(call?.type, "function");
    assert.equal(call?.type === "function" ? call.function.name : "", "get_current_weather");
    const args = JSON.parse(call?.type === "function" ? call.function.arguments : "{}") as {
      location?: string;
    };
    assert.match(args.location ?? "", /San Francisco/);
  });

  it("[openai] [streamed tools] keeps two parallel streamed tool calls apart", async () => {
    upstreams.openai.setHandler(() => replyWithCassette("openai/chat-stream-two-tool-calls.cassette.yaml"));
    const runner = gateway.openai.chat.completions.stream({
      model: "openai/gpt-4o",
      messages: [{ role: "user", content: "weather in two cities" }],
    });
    const final = await runner.finalChatCompletion();
    const calls = final.choices[0]?.message.tool_calls ?? [];
    assert.equal(calls.length, 2);
    for (const call of calls) {
      assert.equal(call.type, "function");
      if (call.type === "function") assert.doesNotThrow(() => JSON.parse(call.function.arguments) as unknown);
    }
  });

  it("[openai] [tools] returns non-streamed tool calls", async () => {
    upstreams.openai.setHandler(() => replyWithCassette("openai/chat-tool-calls.cassette.yaml"));
    const completion = await gateway.openai.chat.completions.create({
      model: "openai/gpt-4o",
      messages: [{ role: "user", content: "call a tool" }],
    });
    assert.equal(completion.choices[0]?.finish_reason, "tool_calls");
    assert.ok((completion.choices[0]?.message.tool_calls?.length ?? 0) > 0);
  });

  it("[openai] [reasoning] reports reasoning tokens of an o-series model and sends max_completion_tokens", async () => {
    upstreams.openai.setHandler(() => replyWithCassette("openai/chat-reasoning-o3-mini.cassette.yaml", 1));
    const completion = await gateway.openai.chat.completions.create({
      model: "openai/o3-mini",
      messages: [{ role: "user", content: "think" }],
      reasoning_effort: "high",
      max_tokens: 2000,
      temperature: 0.2,
    });
    assert.ok((completion.usage?.completion_tokens_details?.reasoning_tokens ?? 0) > 0);
    const sent = upstreams.openai.requests.at(-1)?.body;
    assert.equal(sent?.max_completion_tokens, 2000);
    assert.equal(sent?.max_tokens, undefined);
  });

  it("[openai] [text] reports a parameter the model does not support in x-aig-warning", async () => {
    upstreams.openai.setHandler(() => replyWithCassette("openai/chat-reasoning-o3-mini.cassette.yaml", 1));
    const { response } = await gateway.openai.chat.completions
      .create({ model: "openai/o3-mini", messages: [{ role: "user", content: "x" }], temperature: 0.2 })
      .withResponse();
    assert.match(response.headers.get("x-aig-warning") ?? "", /temperature/);
    assert.equal(upstreams.openai.requests.at(-1)?.body.temperature, undefined);
  });

  it("[groq] [stream] [reasoning] [usage] renames Groq's streamed `reasoning` to reasoning_content and bills its usage", async () => {
    upstreams.groq.setHandler(() => replyWithChunkFixture("groq/chat-stream-reasoning.chunks.txt"));
    const stream = await gateway.openai.chat.completions.create({
      model: "qwen/qwen3-32b",
      messages: [{ role: "user", content: "think" }],
      stream: true,
    });
    let reasoning = "";
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta as { reasoning_content?: string; reasoning?: string } | undefined;
      assert.equal(delta?.reasoning, undefined);
      reasoning += delta?.reasoning_content ?? "";
      if (chunk.usage) usage = chunk.usage;
    }
    assert.ok(reasoning.length > 100);
    assert.equal(usage?.completion_tokens, 1107);
    assert.equal(usage?.completion_tokens_details?.reasoning_tokens, 963);
  });

  it("[groq] [reasoning] returns Groq non-streamed reasoning as reasoning_content", async () => {
    upstreams.groq.setHandler(() => replyWithJsonFixture("groq/chat-reasoning.json"));
    const completion = await gateway.openai.chat.completions.create({
      model: "qwen/qwen3-32b",
      messages: [{ role: "user", content: "think" }],
    });
    const message = completion.choices[0]?.message as { reasoning_content?: string; reasoning?: string };
    assert.ok((message.reasoning_content ?? "").length > 0);
    assert.equal(message.reasoning, undefined);
  });

  it("[deepseek] [stream] [reasoning] [usage] passes DeepSeek's streamed reasoning_content through", async () => {
    upstreams.deepseek.setHandler(() => replyWithCassette("deepseek/chat-stream-reasoning.cassette.yaml"));
    const stream = await gateway.openai.chat.completions.create({
      model: "deepseek/deepseek-reasoner",
      messages: [{ role: "user", content: "think" }],
      stream: true,
    });
    let reasoning = "";
    let content = "";
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta as { reasoning_content?: string; content?: string } | undefined;
      reasoning += delta?.reasoning_content ?? "";
      content += delta?.content ?? "";
      if (chunk.usage) usage = chunk.usage;
    }
    assert.ok(reasoning.length > 0);
    assert.ok(content.length > 0);
    assert.ok((usage?.completion_tokens ?? 0) > 0);
  });

  it("[deepseek] [tools] returns DeepSeek tool calls and JSON mode answers", async () => {
    upstreams.deepseek.setHandler(() => replyWithJsonFixture("deepseek/chat-tool-call.json"));
    const tools = await gateway.openai.chat.completions.create({
      model: "deepseek/deepseek-chat",
      messages: [{ role: "user", content: "call" }],
    });
    assert.ok((tools.choices[0]?.message.tool_calls?.length ?? 0) > 0);
    upstreams.deepseek.setHandler(() => replyWithJsonFixture("deepseek/chat-json-mode.json"));
    const json = await gateway.openai.chat.completions.create({
      model: "deepseek/deepseek-chat",
      messages: [{ role: "user", content: "json" }],
      response_format: { type: "json_object" },
    });
    assert.doesNotThrow(() => JSON.parse(json.choices[0]?.message.content ?? "") as unknown);
  });

  it("[mistral] [stream] [reasoning] [usage] streams Mistral text, and Magistral's thinking chunks as reasoning_content", async () => {
    upstreams.mistral.setHandler(() => replyWithChunkFixture("mistral/chat-stream-text.chunks.txt"));
    const final = await gateway.openai.chat.completions
      .stream({ model: "mistral/mistral-small-latest", messages: [{ role: "user", content: "hi" }] })
      .finalChatCompletion();
    assert.ok((final.choices[0]?.message.content ?? "").length > 0);
    upstreams.mistral.setHandler(() => replyWithChunkFixture("mistral/chat-stream-reasoning.chunks.txt"));
    const stream = await gateway.openai.chat.completions.create({
      model: "mistral/magistral-small-latest",
      messages: [{ role: "user", content: "What is 2+2?" }],
      stream: true,
    });
    let reasoning = "";
    let content = "";
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta as { reasoning_content?: string; content?: unknown } | undefined;
      // Mistral sends lists of chunks; the SDK (and every OpenAI client) expects a string.
      assert.ok(delta?.content === undefined || typeof delta.content === "string");
      reasoning += delta?.reasoning_content ?? "";
      content += typeof delta?.content === "string" ? delta.content : "";
      if (chunk.usage) usage = chunk.usage;
    }
    assert.equal(reasoning, "The user is asking for 2+2. This is basic arithmetic. 2+2=4.");
    assert.equal(content, "2 + 2 = 4");
    assert.equal(usage?.total_tokens, 56);
  });

  it("[mistral] [reasoning] returns Magistral's thinking as reasoning_content and replays it as a thinking chunk (multi-turn)", async () => {
    upstreams.mistral.setHandler(() => replyWithJsonFixture("mistral/chat-reasoning.json"));
    const question: OpenAI.ChatCompletionMessageParam = { role: "user", content: "What is 2+2?" };
    const first = await gateway.openai.chat.completions.create({
      model: "mistral/magistral-medium-latest",
      messages: [question],
    });
    const message = first.choices[0]?.message as OpenAI.ChatCompletionMessage & {
      reasoning_content?: string;
    };
    assert.equal(message.content, "2 + 2 = 4");
    assert.equal(message.reasoning_content, "The user is asking for 2+2. This is basic arithmetic. 2+2=4.");

    // The answer goes back as the SDK returned it; Mistral refuses unknown fields such as
    // reasoning_content (422 extra_forbidden) and takes reasoning back as a thinking chunk.
    await gateway.openai.chat.completions.create({
      model: "mistral/magistral-medium-latest",
      messages: [question, message, { role: "user", content: "And 3+3?" }],
    });
    const sent = upstreams.mistral.requests.at(-1)?.body.messages as Record<string, unknown>[];
    assert.deepEqual(sent[1], {
      role: "assistant",
      content: [
        {
          type: "thinking",
          thinking: [{ type: "text", text: "The user is asking for 2+2. This is basic arithmetic. 2+2=4." }],
        },
        { type: "text", text: "2 + 2 = 4" },
      ],
    });
  });

  it("[mistral] [tools] answers Mistral non-streamed tool calls", async () => {
    upstreams.mistral.setHandler(() => replyWithJsonFixture("mistral/chat-tool-call.json"));
    const mistral = await gateway.openai.chat.completions.create({
      model: "mistral/mistral-small-latest",
      messages: [{ role: "user", content: "call" }],
    });
    assert.ok((mistral.choices[0]?.message.tool_calls?.length ?? 0) > 0);
  });

  it("[xai] [text] [tools] answers xAI non-streamed text and tool calls", async () => {
    upstreams.xai.setHandler(() => replyWithJsonFixture("xai/chat-tool-call.json"));
    const xai = await gateway.openai.chat.completions.create({
      model: "xai/grok-3",
      messages: [{ role: "user", content: "call" }],
    });
    assert.ok((xai.choices[0]?.message.tool_calls?.length ?? 0) > 0);
    upstreams.xai.setHandler(() => replyWithJsonFixture("xai/chat-text.json"));
    const text = await gateway.openai.chat.completions.create({
      model: "xai/grok-3",
      messages: [{ role: "user", content: "hi" }],
    });
    assert.ok((text.choices[0]?.message.content ?? "").length > 0);
  });

  it("[xai] [stream] streams xAI text", async () => {
    upstreams.xai.setHandler(() => replyWithChunkFixture("xai/chat-stream-text.chunks.txt"));
    const final = await gateway.openai.chat.completions
      .stream({ model: "xai/grok-3", messages: [{ role: "user", content: "hi" }] })
      .finalChatCompletion();
    assert.ok((final.choices[0]?.message.content ?? "").length > 0);
  });

  it("[xai] [reasoning] [usage] returns xAI's reasoning_content and bills the reasoning tokens it counts apart", async () => {
    upstreams.xai.setHandler(() => replyWithJsonFixture("xai/chat-text.json"));
    const { data, response } = await gateway.openai.chat.completions
      .create({ model: "xai/grok-3-mini", messages: [{ role: "user", content: "Say a single word." }] })
      .withResponse();
    const recorded = readJsonFixture<{ choices: { message: { reasoning_content: string } }[] }>(
      "xai/chat-text.json",
    );
    const message = data.choices[0]?.message as { reasoning_content?: string; content: string | null };
    assert.equal(message.content, "Hello");
    assert.equal(message.reasoning_content, recorded.choices[0]?.message.reasoning_content);
    // xAI reports completion_tokens 1 beside 228 reasoning tokens (total 241); OpenAI's
    // completion_tokens includes reasoning, and the output price applies to both.
    assert.equal(data.usage?.completion_tokens_details?.reasoning_tokens, 228);
    assert.equal(data.usage?.completion_tokens, 229);
    assert.equal(data.usage?.total_tokens, 241);
    // 10 × $0.30/M + 2 cached × $0.075/M + 229 × $0.50/M
    assert.equal((data.usage as { cost?: number }).cost, 0.00011765);
    assert.equal(response.headers.get("x-cost-cents"), "0.011765");

    upstreams.xai.setHandler(() => replyWithChunkFixture("xai/chat-stream-text.chunks.txt"));
    const stream = await gateway.openai.chat.completions.create({
      model: "xai/grok-3-mini",
      messages: [{ role: "user", content: "Say a single word." }],
      stream: true,
    });
    let reasoning = "";
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      reasoning +=
        (chunk.choices[0]?.delta as { reasoning_content?: string } | undefined)?.reasoning_content ?? "";
      if (chunk.usage) usage = chunk.usage;
    }
    const streamed = readChunkLines("xai/chat-stream-text.chunks.txt")
      .map((line) => JSON.parse(line) as { choices: { delta: { reasoning_content?: string } }[] })
      .map((chunk) => chunk.choices[0]?.delta.reasoning_content ?? "")
      .join("");
    assert.equal(reasoning, streamed);
    assert.equal(usage?.completion_tokens_details?.reasoning_tokens, 290);
    assert.equal(usage?.completion_tokens, 291);
  });

  it("[openrouter] [stream] [reasoning] [usage] streams OpenRouter reasoning with usage", async () => {
    upstreams.openrouter.setHandler(() =>
      replyWithCassette("openrouter/chat-stream-reasoning.cassette.yaml"),
    );
    // Served only through OpenRouter in the catalog, so the OpenRouter fake answers.
    const model = "anthropic/claude-sonnet-4.5";
    const stream = await gateway.openai.chat.completions.create({
      model,
      messages: [{ role: "user", content: "think" }],
      stream: true,
    });
    let reasoning = "";
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      reasoning +=
        (chunk.choices[0]?.delta as { reasoning_content?: string } | undefined)?.reasoning_content ?? "";
      if (chunk.usage) usage = chunk.usage;
    }
    assert.ok(reasoning.length > 0);
    assert.ok((usage?.completion_tokens ?? 0) > 0);
  });

  it("[groq] [deepseek] [mistral] [xai] [text] [usage] answers recorded non-streamed text with usage and cost", async () => {
    const recordings = [
      { vendor: "groq", model: "meta/llama-3.3-70b", fixture: "groq/chat-text.json", apart: 0 },
      { vendor: "deepseek", model: "deepseek/deepseek-chat", fixture: "deepseek/chat-text.json", apart: 0 },
      {
        vendor: "mistral",
        model: "mistral/mistral-small-latest",
        fixture: "mistral/chat-text.json",
        apart: 0,
      },
      // xAI counts its 228 reasoning tokens apart from completion_tokens; the gateway includes them.
      { vendor: "xai", model: "xai/grok-3", fixture: "xai/chat-text.json", apart: 228 },
    ] as const;
    for (const { vendor, model, fixture, apart } of recordings) {
      upstreams[vendor].setHandler(() => replyWithJsonFixture(fixture));
      const completion = await gateway.openai.chat.completions.create({
        model,
        messages: [{ role: "user", content: "Invent a new holiday" }],
      });
      const recorded = readJsonFixture<{
        choices: { message: { content: string } }[];
        usage: { prompt_tokens: number; completion_tokens: number };
      }>(fixture);
      assert.equal(completion.model, model);
      assert.equal(completion.choices[0]?.message.content, recorded.choices[0]?.message.content);
      assert.equal(completion.usage?.prompt_tokens, recorded.usage.prompt_tokens, vendor);
      assert.equal(completion.usage?.completion_tokens, recorded.usage.completion_tokens + apart, vendor);
      assert.ok(((completion.usage as { cost?: number } | undefined)?.cost ?? 0) > 0, vendor);
    }
  });

  it("[groq] [tools] returns Groq's recorded tool call without arguments as {}", async () => {
    upstreams.groq.setHandler(() => replyWithJsonFixture("groq/chat-tool-call.json"));
    const completion = await gateway.openai.chat.completions.create({
      model: "meta/llama-3.3-70b",
      messages: [{ role: "user", content: "weather?" }],
      tools: [
        { type: "function", function: { name: "weather", parameters: { type: "object", properties: {} } } },
      ],
    });
    const call = completion.choices[0]?.message.tool_calls?.[0];
    assert.equal(completion.choices[0]?.finish_reason, "tool_calls");
    assert.equal(call?.type === "function" ? call.function.name : "", "weather");
    assert.deepEqual(JSON.parse(call?.type === "function" ? call.function.arguments : "null"), {});
  });

  it("[openrouter] [errors] answers OpenRouter's recorded 429 (rate-limited upstream) with a 429 and its message", async () => {
    upstreams.openrouter.setHandler(() =>
      replyWithCassette("openrouter/chat-error-429-upstream-rate-limited.cassette.yaml"),
    );
    await assert.rejects(
      gateway.openai.chat.completions.create({
        model: "anthropic/claude-sonnet-4.5",
        messages: [{ role: "user", content: "Tell me a joke." }],
      }),
      (error: unknown) =>
        error instanceof Error &&
        (error as { status?: number }).status === 429 &&
        /Provider returned error/.test(error.message),
    );
  });

  it("[groq] [deepseek] [mistral] [xai] [openrouter] [mid-stream error] raises a recorded stream cut midway as an error after its first chunks", async () => {
    const recordings = [
      {
        vendor: "groq",
        model: "qwen/qwen3-32b",
        reply: () => replyWithChunkFixture("groq/chat-stream-reasoning.chunks.txt"),
      },
      {
        vendor: "deepseek",
        model: "deepseek/deepseek-reasoner",
        reply: () => replyWithCassette("deepseek/chat-stream-reasoning.cassette.yaml"),
      },
      {
        vendor: "mistral",
        model: "mistral/mistral-small-latest",
        reply: () => replyWithChunkFixture("mistral/chat-stream-text.chunks.txt"),
      },
      {
        vendor: "xai",
        model: "xai/grok-3-mini",
        reply: () => replyWithChunkFixture("xai/chat-stream-text.chunks.txt"),
      },
      {
        vendor: "openrouter",
        model: "anthropic/claude-sonnet-4.5",
        reply: () => replyWithCassette("openrouter/chat-stream-reasoning.cassette.yaml"),
      },
    ] as const;
    for (const { vendor, model, reply } of recordings) {
      // Five frames reach the gateway (OpenRouter's first two are keep-alive comments), then the socket dies.
      upstreams[vendor].setHandler(() => ({ ...reply(), destroyAfterFrames: 5 }));
      const stream = await gateway.openai.chat.completions.create({
        model,
        messages: [{ role: "user", content: "think" }],
        stream: true,
      });
      let received = 0;
      await assert.rejects(
        async () => {
          for await (const chunk of stream) if (chunk.choices.length > 0) received++;
        },
        (error: unknown) =>
          error instanceof Error && /ended|reset|socket|terminated|closed/i.test(error.message),
        vendor,
      );
      assert.ok(received > 0, `${vendor}: the chunks before the cut reached the client`);
    }
  });

  it("[openrouter] [mid-stream error] raises OpenRouter's recorded error body sent after its recorded reasoning chunks", async () => {
    // OpenRouter reports a failure after the 200 as an SSE event carrying `error`; here that event is
    // the body of its recorded 429, spliced after the first chunks of its recorded stream.
    const errorBody = readCassette("openrouter/chat-error-429-upstream-rate-limited.cassette.yaml")[0]
      ?.response.body;
    const streamed = replyWithCassette("openrouter/chat-stream-reasoning.cassette.yaml");
    const frames = [
      ...(streamed.frames ?? []).slice(0, 5),
      `data: ${JSON.stringify(JSON.parse(errorBody ?? "{}"))}\n\n`,
    ];
    upstreams.openrouter.setHandler(() => ({ ...streamed, frames }));
    const stream = await gateway.openai.chat.completions.create({
      model: "anthropic/claude-sonnet-4.5",
      messages: [{ role: "user", content: "think" }],
      stream: true,
    });
    let received = 0;
    await assert.rejects(async () => {
      for await (const chunk of stream) if (chunk.choices.length > 0) received++;
    }, /Provider returned error/);
    assert.ok(received > 0);
  });
});
