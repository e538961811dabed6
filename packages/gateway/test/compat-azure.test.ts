// Azure OpenAI through the gateway: the recordings in fixtures/providers/azure/ (chat, stream with
// content filters, embeddings, 401, 404 DeploymentNotFound) replayed by a fake Azure resource on
// port 0, read back with the official openai SDK. The Responses API recordings (responses-*) are not
// replayed: the gateway serves Chat Completions only.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";
import { replyWithCassette, type FakeReply, type FakeUpstream } from "./support/fake-upstream.ts";
import { fixturesMissing, readCassette } from "./support/fixtures.ts";
import { readStreamUntilFailure } from "./support/read-stream-until-failure.ts";
import { startGatewayWithFakeUpstream } from "./support/start-gateway-with-fake-upstream.ts";
import type { TestGateway } from "./support/start-test-gateway.ts";

const chatModel = "compat/azure-gpt";
const embedModel = "compat/azure-embedding";
const deployment = "gpt-5-nano";
const price = {
  price_source: "https://azure.microsoft.com/pricing/details/cognitive-services/openai-service/",
  price_as_of: "2026-11-24",
};

const testModels = [
  {
    id: chatModel,
    name: "GPT on Azure (compat test)",
    lab: "openai",
    modality: "text",
    context_window: 400000,
    max_output_tokens: 128000,
    capabilities: ["tools", "vision", "json", "streaming", "reasoning"],
    released: "2025-08-07",
    routes: [
      { provider: "azure", upstream_id: deployment, pricing: { input: "0.05", output: "0.40" }, ...price },
    ],
  },
  {
    id: embedModel,
    name: "Embeddings on Azure (compat test)",
    lab: "openai",
    modality: "embedding",
    context_window: 8191,
    max_output_tokens: 0,
    capabilities: [],
    released: "2024-01-25",
    routes: [{ provider: "azure", upstream_id: "test-deployment", pricing: { input: "0.02" }, ...price }],
  },
];

const streamCassette = "azure/chat-stream-content-filter.cassette.yaml";
const chatCassette = "azure/chat-reasoning-content-filter-and-404.cassette.yaml";
const embeddingCassette = "azure/embeddings-and-401.cassette.yaml";

/** An OpenAI recording's SSE body (Azure's stream is OpenAI's plus filter fields). */
function openAiStream(name: string, index = 0): FakeReply {
  return replyWithCassette(name, index);
}

describe("Azure OpenAI adapter", { skip: fixturesMissing }, () => {
  let gateway: TestGateway;
  let upstream: FakeUpstream;
  const joke = [{ role: "user" as const, content: "Tell me a joke about opentelemetry" }];

  let close: () => Promise<void>;
  before(async () => {
    ({ gateway, upstream, close } = await startGatewayWithFakeUpstream(testModels, (baseUrl) => ({
      AZURE_OPENAI_API_KEY: "test-azure-key",
      // Operators may paste the URL with /openai; the adapter accepts both.
      AZURE_OPENAI_BASE_URL: `${baseUrl.replace(/\/v1$/, "")}/openai`,
    })));
  });
  after(() => close());

  it("[text] calls the deployment URL with api-key and api-version and keeps Azure's filter results", async () => {
    upstream.setHandler(() => replyWithCassette(chatCassette, 0));
    const { data, response } = await gateway.openai.chat.completions
      .create({ model: chatModel, messages: [{ role: "user", content: "Count r's in strawberry" }] })
      .withResponse();
    assert.equal(data.model, chatModel);
    assert.equal(data.choices[0]?.message.content, "3");
    assert.equal(data.choices[0]?.finish_reason, "stop");
    const raw = data as unknown as {
      prompt_filter_results: { content_filter_results: { jailbreak: unknown } }[];
      choices: { content_filter_results: { protected_material_code: unknown } }[];
    };
    assert.deepEqual(raw.prompt_filter_results[0]?.content_filter_results.jailbreak, {
      filtered: false,
      detected: false,
    });
    assert.deepEqual(raw.choices[0]?.content_filter_results.protected_material_code, {
      filtered: false,
      detected: false,
    });
    assert.equal(response.headers.get("x-aig-provider"), "azure");
    const sent = upstream.requests.at(-1);
    assert.equal(sent?.path, `/openai/deployments/${deployment}/chat/completions?api-version=2024-10-21`);
    assert.equal(sent?.headers["api-key"], "test-azure-key");
    assert.equal(sent?.headers.authorization, undefined);
  });

  it("[reasoning] passes reasoning_effort through and reports reasoning tokens", async () => {
    upstream.setHandler(() => replyWithCassette(chatCassette, 0));
    const completion = await gateway.openai.chat.completions.create({
      model: chatModel,
      messages: [{ role: "user", content: "Count r's in strawberry" }],
      reasoning_effort: "low",
    });
    assert.equal(completion.usage?.completion_tokens_details?.reasoning_tokens, 192);
    const recorded = readCassette(chatCassette)[0]?.request.body as Record<string, unknown>;
    assert.equal(upstream.requests.at(-1)?.body.reasoning_effort, recorded.reasoning_effort);
  });

  it("[usage] reads Azure's usage and prices it", async () => {
    upstream.setHandler(() => replyWithCassette(chatCassette, 0));
    const { data, response } = await gateway.openai.chat.completions
      .create({ model: chatModel, messages: [{ role: "user", content: "Count r's in strawberry" }] })
      .withResponse();
    assert.equal(data.usage?.prompt_tokens, 11);
    assert.equal(data.usage?.completion_tokens, 203);
    assert.equal(data.usage?.total_tokens, 214);
    assert.ok(Number(response.headers.get("x-cost-cents")) > 0);
  });

  it("[errors] maps each recorded 404 DeploymentNotFound to model_not_found", async () => {
    for (const index of [1, 2, 3]) {
      upstream.setHandler(() => replyWithCassette(chatCassette, index));
      await assert.rejects(
        gateway.openai.chat.completions.create({ model: chatModel, messages: joke }),
        (error: unknown) =>
          error instanceof OpenAI.NotFoundError &&
          (error.error as { type?: string }).type === "model_not_found" &&
          /DeploymentNotFound/.test(error.message),
      );
    }
  });

  it("[stream] replays every recorded Azure stream: prompt-filter chunk held, ids and model stable", async () => {
    const recordings = readCassette(streamCassette);
    assert.equal(recordings.length, 4);
    for (let index = 0; index < recordings.length; index++) {
      upstream.setHandler(() => openAiStream(streamCassette, index));
      const stream = await gateway.openai.chat.completions.create({
        model: chatModel,
        messages: joke,
        stream: true,
      });
      let text = "";
      let finish: string | null = null;
      let promptFilters: unknown;
      const ids = new Set<string>();
      let usage: OpenAI.CompletionUsage | null | undefined;
      for await (const chunk of stream) {
        ids.add(chunk.id);
        assert.equal(chunk.model, chatModel);
        assert.equal(chunk.object, "chat.completion.chunk");
        promptFilters ??= (chunk as { prompt_filter_results?: unknown }).prompt_filter_results;
        text += chunk.choices[0]?.delta.content ?? "";
        finish = chunk.choices[0]?.finish_reason ?? finish;
        usage = chunk.usage ?? usage;
      }
      const expectedText = recordings[index]?.response.body
        .split("\n")
        .filter((line) => line.startsWith("data: {"))
        .map(
          (line) =>
            (JSON.parse(line.slice(6)) as { choices: { delta?: { content?: string } }[] }).choices[0]?.delta
              ?.content ?? "",
        )
        .join("");
      assert.equal(text, expectedText, `recording ${index}`);
      assert.ok(text.length > 0);
      assert.equal(finish, "stop");
      assert.ok(Array.isArray(promptFilters), `recording ${index} keeps prompt_filter_results`);
      assert.equal(ids.size, 1);
      assert.match([...ids][0] ?? "", /^chatcmpl-/);
      // Azure did not report usage in these recordings (no include_usage): the gateway still ends with one.
      assert.ok(usage && usage.total_tokens > 0);
    }
    assert.deepEqual(upstream.requests.at(-1)?.body.stream_options, { include_usage: true });
  });

  it("[stream] the SDK's stream helper assembles an Azure stream that opens with a prompt-filter chunk", async () => {
    upstream.setHandler(() => openAiStream(streamCassette, 0));
    const final = await gateway.openai.chat.completions
      .stream({ model: chatModel, messages: joke })
      .finalChatCompletion();
    assert.equal(final.id, "chatcmpl-9HpbaAXyt0cAnlWvI8kUAFpZt5jyQ");
    assert.equal(final.model, chatModel);
    assert.match(final.choices[0]?.message.content ?? "", /traces!$/);
  });

  it("[stream] passes finish_reason content_filter and per-chunk content_filter_results through", async () => {
    // The 2026 recording with its last chunk's finish_reason set to content_filter (Azure's value when
    // the completion is filtered); no recording of a filtered stream was found.
    const reply = openAiStream(streamCassette, 1);
    reply.frames = (reply.frames ?? []).map((frame) =>
      typeof frame === "string"
        ? frame.replace('"finish_reason":"stop"', '"finish_reason":"content_filter"')
        : frame,
    );
    upstream.setHandler(() => reply);
    const stream = await gateway.openai.chat.completions.create({
      model: chatModel,
      messages: joke,
      stream: true,
    });
    let finish: string | null = null;
    let filtered = 0;
    for await (const chunk of stream) {
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (
        (chunk.choices[0] as { content_filter_results?: { hate?: unknown } } | undefined)
          ?.content_filter_results?.hate
      )
        filtered++;
    }
    assert.equal(finish, "content_filter");
    assert.ok(filtered > 0);
  });

  it("[mid-stream error] ends with an error the SDK raises (in-stream error, reset, truncation)", async () => {
    const frames = openAiStream(streamCassette, 1).frames ?? [];
    const cases: [string, FakeReply, RegExp][] = [
      [
        "in-stream error",
        {
          status: 200,
          headers: { "content-type": "text/event-stream" },
          frames: [
            ...frames.slice(0, 4),
            `data: ${JSON.stringify({ error: { message: "The server had an error while processing your request." } })}\n\n`,
          ],
        },
        /server had an error/,
      ],
      ["connection reset", { ...openAiStream(streamCassette, 1), destroyAfterFrames: 4 }, /./],
      [
        "truncated",
        { status: 200, headers: { "content-type": "text/event-stream" }, frames: frames.slice(0, 4) },
        /before it was complete/,
      ],
    ];
    for (const [name, reply, pattern] of cases) {
      upstream.setHandler(() => reply);
      const stream = await gateway.openai.chat.completions.create({
        model: chatModel,
        messages: joke,
        stream: true,
      });
      const { text, error } = await readStreamUntilFailure(stream, name);
      assert.ok(error instanceof Error && pattern.test(error.message), name);
      assert.equal(text, "Why did", name);
    }
  });

  it("[tools] passes tools through and returns tool calls (OpenAI recording through the Azure path)", async () => {
    upstream.setHandler(() => replyWithCassette("openai/chat-tool-calls.cassette.yaml", 0));
    const tools: OpenAI.ChatCompletionTool[] = [
      {
        type: "function",
        function: { name: "get_location", parameters: { type: "object", properties: {} } },
      },
    ];
    const first = await gateway.openai.chat.completions.create({
      model: chatModel,
      messages: [{ role: "user", content: "Where am I?" }],
      tools,
      tool_choice: "auto",
    });
    const assistant = first.choices[0]?.message;
    const call = assistant?.tool_calls?.[0] as OpenAI.ChatCompletionMessageFunctionToolCall | undefined;
    assert.ok(assistant && call);
    assert.deepEqual(upstream.requests.at(-1)?.body.tools, tools);
    upstream.setHandler(() => replyWithCassette(chatCassette, 0));
    await gateway.openai.chat.completions.create({
      model: chatModel,
      messages: [
        { role: "user", content: "Where am I?" },
        assistant,
        { role: "tool", tool_call_id: call.id, content: '{"city":"Paris"}' },
      ],
      tools,
    });
    const sent = upstream.requests.at(-1)?.body.messages as Record<string, unknown>[];
    assert.deepEqual((sent[1]?.tool_calls as unknown[])[0], call);
    assert.equal(sent[2]?.tool_call_id, call.id);
  });

  it("[streamed tools] streams tool calls with 0-based indexes (OpenAI recording through the Azure path)", async () => {
    upstream.setHandler(() => replyWithCassette("openai/chat-stream-two-tool-calls.cassette.yaml"));
    const final = await gateway.openai.chat.completions
      .stream({
        model: chatModel,
        messages: joke,
        tools: [
          {
            type: "function",
            function: { name: "get_current_weather", parameters: { type: "object", properties: {} } },
          },
        ],
      })
      .finalChatCompletion();
    const calls = (final.choices[0]?.message.tool_calls ??
      []) as OpenAI.ChatCompletionMessageFunctionToolCall[];
    assert.equal(calls.length, 2);
    for (const call of calls) assert.doesNotThrow(() => JSON.parse(call.function.arguments));
    assert.equal(final.choices[0]?.finish_reason, "tool_calls");
  });

  it("[vision] sends image parts unchanged", async () => {
    upstream.setHandler(() => replyWithCassette(chatCassette, 0));
    const content: OpenAI.ChatCompletionContentPart[] = [
      { type: "text", text: "What is this?" },
      { type: "image_url", image_url: { url: "https://example.com/cat.png", detail: "low" } },
    ];
    await gateway.openai.chat.completions.create({ model: chatModel, messages: [{ role: "user", content }] });
    assert.deepEqual(
      (upstream.requests.at(-1)?.body.messages as { content: unknown }[])[0]?.content,
      content,
    );
  });

  it("[JSON schema] sends response_format json_schema unchanged", async () => {
    upstream.setHandler(() => replyWithCassette(chatCassette, 0));
    const responseFormat = {
      type: "json_schema" as const,
      json_schema: {
        name: "count",
        strict: true,
        schema: { type: "object", properties: { n: { type: "integer" } } },
      },
    };
    await gateway.openai.chat.completions.create({
      model: chatModel,
      messages: joke,
      response_format: responseFormat,
    });
    assert.deepEqual(upstream.requests.at(-1)?.body.response_format, responseFormat);
  });

  // No genuine recording of a content-filter 400 was found (see the fixtures README); this body is
  // Azure's documented shape.
  it("[errors] a prompt blocked by the content filter is a 400 that says so", async () => {
    upstream.setHandler(() => ({
      status: 400,
      body: JSON.stringify({
        error: {
          message:
            "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry.",
          type: null,
          param: "prompt",
          code: "content_filter",
          status: 400,
          innererror: {
            code: "ResponsibleAIPolicyViolation",
            content_filter_result: { violence: { filtered: true, severity: "high" } },
          },
        },
      }),
    }));
    await assert.rejects(
      gateway.openai.chat.completions.create({ model: chatModel, messages: joke }),
      (error: unknown) =>
        error instanceof OpenAI.BadRequestError &&
        /content filter/.test(error.message) &&
        /content management policy/.test(error.message),
    );
  });

  it("[errors] maps the recorded 401s to 502 (the gateway's Azure key is wrong, not the client's)", async () => {
    for (const index of [2, 3]) {
      upstream.setHandler(() => replyWithCassette(embeddingCassette, index));
      await assert.rejects(
        gateway.openai.embeddings.create({ model: embedModel, input: "Tell me a joke about opentelemetry" }),
        (error: unknown) =>
          error instanceof OpenAI.APIError &&
          error.status === 502 &&
          /Access denied due to invalid subscription key/.test(error.message),
      );
    }
    upstream.setHandler(() => ({ status: 401, body: '{"error":{"code":"401","message":"Access denied"}}' }));
    await assert.rejects(
      gateway.openai.chat.completions.create({ model: chatModel, messages: joke }),
      (error: unknown) => error instanceof OpenAI.APIError && error.status === 502,
    );
  });

  it("[usage] replays the recorded embeddings through the deployment's /embeddings", async () => {
    for (const index of [0, 1]) {
      upstream.setHandler(() => replyWithCassette(embeddingCassette, index));
      const result = await gateway.openai.embeddings.create({
        model: embedModel,
        input: "Tell me a joke about opentelemetry",
      });
      assert.equal(result.model, embedModel);
      assert.ok((result.data[0]?.embedding.length ?? 0) > 100);
      assert.ok(result.data[0]?.embedding.every((value) => Number.isFinite(value)));
      assert.ok(result.usage.prompt_tokens > 0);
      const sent = upstream.requests.at(-1);
      assert.equal(sent?.path, "/openai/deployments/test-deployment/embeddings?api-version=2024-10-21");
      assert.equal(sent?.headers["api-key"], "test-azure-key");
    }
  });
});
