// The Gemini API adapter through the real gateway: the official openai SDK as the client, a fake
// generativelanguage.googleapis.com on port 0 replaying every recording in fixtures/providers/google/
// (vertex-embedding.json excepted: Vertex AI is another API), and assertions on what the client got and
// on what the gateway sent upstream.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";
import {
  replyWithCassette,
  replyWithJsonFixture,
  type FakeReply,
  type FakeUpstream,
} from "./support/fake-upstream.ts";
import { fixturesMissing, readCassette, readChunkLines, readJsonFixture } from "./support/fixtures.ts";
import { readStreamUntilFailure } from "./support/read-stream-until-failure.ts";
import { startGatewayWithFakeUpstream } from "./support/start-gateway-with-fake-upstream.ts";
import type { TestGateway } from "./support/start-test-gateway.ts";

const dir = "google/";

/** A test catalog entry routed to the gemini provider (the shipped catalog is not ours to edit). */
function testModel(id: string, upstreamId: string, modality: "text" | "embedding" = "text") {
  return {
    id,
    name: id,
    lab: "google",
    modality,
    context_window: 1048576,
    max_output_tokens: modality === "text" ? 65536 : 0,
    capabilities: modality === "text" ? ["tools", "vision", "json", "streaming", "reasoning"] : [],
    released: "2025-11-18",
    routes: [
      {
        provider: "gemini",
        upstream_id: upstreamId,
        pricing: { input: "2", output: "12", cached_input: "0.2" },
        price_source: "test",
        price_as_of: "2025-11-18",
      },
    ],
  };
}

const pro3 = "gemini-test/gemini-3-pro";
const flash2 = "gemini-test/gemini-2-flash";
const flash2exp = "gemini-test/gemini-2-flash-exp";
const misspelled = "gemini-test/gemini-misspelled";
const embedding = "gemini-test/gemini-embedding";

type ReasoningDetail = { type: string; text?: string; signature?: string; data?: string; id?: string };
type ReasoningMessage = OpenAI.ChatCompletionMessage & {
  reasoning_content?: string;
  reasoning_details?: ReasoningDetail[];
};

/** Gemini's SSE wire form (?alt=sse): `data:` lines separated by CRLF pairs, no [DONE]. */
function geminiStream(payloads: string[], options: Partial<FakeReply> = {}): FakeReply {
  return {
    status: 200,
    headers: { "content-type": "text/event-stream" },
    frames: payloads.map((payload) => `data: ${payload}\r\n\r\n`),
    ...options,
  };
}

function recordedRequest(name: string, index: number): Record<string, unknown> {
  return structuredClone(readCassette(`${dir}${name}`)[index]?.request.body) as Record<string, unknown>;
}

type Part = Record<string, unknown> & {
  functionCall?: { id?: string };
  functionResponse?: { id?: string };
};

/** Contents with function call/response ids removed: ours are derived, the recorder's were its own. */
function withoutCallIds(contents: unknown): unknown {
  return (structuredClone(contents) as { parts: Part[] }[]).map((content) => ({
    ...content,
    parts: content.parts.map((part) => {
      if (part.functionCall) delete part.functionCall.id;
      if (part.functionResponse) delete part.functionResponse.id;
      return part;
    }),
  }));
}

describe("Gemini API upstream through the openai SDK", { skip: fixturesMissing }, () => {
  let gateway: TestGateway;
  let upstream: FakeUpstream;

  let close: () => Promise<void>;
  before(async () => {
    const models = [
      testModel(pro3, "gemini-3-pro-preview"),
      testModel(flash2, "gemini-2.0-flash"),
      testModel(flash2exp, "gemini-2.0-flash-exp"),
      testModel(misspelled, "gemini-3.6-flahs"),
      testModel(embedding, "gemini-embedding-2-preview", "embedding"),
    ];
    ({ gateway, upstream, close } = await startGatewayWithFakeUpstream(models, (baseUrl) => ({
      GEMINI_API_KEY: "test-gemini-key",
      GEMINI_BASE_URL: baseUrl,
    })));
  });
  after(() => close());

  it("[text] answers with the text, the thought signature, usage with thoughts and cost", async () => {
    upstream.setHandler(() => replyWithJsonFixture(`${dir}generate-content-text.json`));
    const { data, response } = await gateway.openai.chat.completions
      .create({
        model: pro3,
        messages: [
          { role: "system", content: "Count carefully." },
          { role: "user", content: "How many r's are in strawberry?" },
        ],
        user: "end-user-1",
        logit_bias: { "50256": -100 },
      })
      .withResponse();
    const message = data.choices[0]?.message as ReasoningMessage;
    assert.match(message.content ?? "", /There are \*\*3\*\* r's in strawberry/);
    assert.equal(data.model, pro3);
    assert.equal(data.id, "chatcmpl-Un6LacrVMcjUxs0PmJfWoQc");
    assert.equal(data.choices[0]?.finish_reason, "stop");
    assert.deepEqual(
      message.reasoning_details?.map((detail) => [detail.type, detail.data?.slice(0, 12)]),
      [["reasoning.encrypted", "EtoFCtcFAb4+"]],
    );
    assert.equal(data.usage?.prompt_tokens, 9);
    assert.equal(data.usage?.completion_tokens, 28 + 244);
    assert.equal(data.usage?.completion_tokens_details?.reasoning_tokens, 244);
    assert.ok(Number(response.headers.get("x-cost-cents")) > 0);
    assert.match(response.headers.get("x-aig-warning") ?? "", /user, logit_bias|logit_bias, user/);

    const sent = upstream.requests.at(-1);
    assert.equal(sent?.path, "/v1/models/gemini-3-pro-preview:generateContent");
    assert.equal(sent?.headers["x-goog-api-key"], "test-gemini-key");
    assert.equal(sent?.headers.authorization, undefined);
    assert.deepEqual(sent?.body, {
      systemInstruction: { parts: [{ text: "Count carefully." }] },
      contents: [{ role: "user", parts: [{ text: "How many r's are in strawberry?" }] }],
    });
  });

  it("[text] a prompt Gemini blocks is a content_filter answer with a refusal, not an empty success", async () => {
    // No recording of a blocked prompt exists; this body follows Google's documented promptFeedback shape.
    upstream.setHandler(() => ({
      status: 200,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        promptFeedback: { blockReason: "PROHIBITED_CONTENT" },
        usageMetadata: { promptTokenCount: 12, totalTokenCount: 12 },
        modelVersion: "gemini-3-pro-preview",
        responseId: "blocked1",
      }),
    }));
    const data = await gateway.openai.chat.completions.create({
      model: pro3,
      messages: [{ role: "user", content: "something blocked" }],
    });
    assert.equal(data.choices[0]?.finish_reason, "content_filter");
    assert.match(data.choices[0]?.message.refusal ?? "", /PROHIBITED_CONTENT/);
    assert.equal(data.usage?.prompt_tokens, 12);
  });

  it("[stream] replays a raw ?alt=sse recording (CRLF framing) and sends the recorded request", async () => {
    upstream.setHandler(() => replyWithCassette(`${dir}stream-generate-content.cassette.yaml`));
    const stream = await gateway.openai.chat.completions.create({
      model: flash2exp,
      messages: [
        { role: "system", content: "You are a helpful chatbot." },
        { role: "user", content: "What is the capital of France?" },
      ],
      temperature: 0,
      stream: true,
    });
    let text = "";
    let finish: string | null | undefined;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      finish ??= chunk.choices[0]?.finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    assert.equal(text, "The capital of France is Paris.\n");
    assert.equal(finish, "stop");
    // Usage arrives in every event; the last one counts (its prompt count differs from the first's).
    assert.equal(usage?.prompt_tokens, 13);
    assert.equal(usage?.completion_tokens, 8);
    const sent = upstream.requests.at(-1);
    assert.equal(sent?.path, "/v1/models/gemini-2.0-flash-exp:streamGenerateContent?alt=sse");
    const recorded = recordedRequest("stream-generate-content.cassette.yaml", 0);
    assert.deepEqual(sent?.body.contents, recorded.contents);
    assert.deepEqual(sent?.body.generationConfig, recorded.generationConfig);
    assert.deepEqual(sent?.body.systemInstruction, { parts: [{ text: "You are a helpful chatbot." }] });
  });

  it("[stream] streams a Gemini 3 answer whose last event is an empty part carrying the signature", async () => {
    upstream.setHandler(() => geminiStream(readChunkLines(`${dir}stream-generate-content-text.chunks.txt`)));
    const runner = gateway.openai.chat.completions.stream({
      model: pro3,
      messages: [{ role: "user", content: "How many r's are in strawberry?" }],
    });
    const details: ReasoningDetail[] = [];
    runner.on("chunk", (chunk) => {
      const delta = chunk.choices[0]?.delta as { reasoning_details?: ReasoningDetail[] } | undefined;
      details.push(...(delta?.reasoning_details ?? []));
    });
    const final = await runner.finalChatCompletion();
    assert.equal(
      final.choices[0]?.message.content,
      'There are **3** "r"s in strawberry.\n\nst**r**awbe**rr**y',
    );
    assert.equal(final.choices[0]?.finish_reason, "stop");
    assert.equal(details.length, 1);
    assert.equal(details[0]?.type, "reasoning.encrypted");
    assert.match(details[0]?.data ?? "", /^EqsFCqgFAb4\+/);
  });

  it("[usage] reports the last streamed usageMetadata with thought tokens as reasoning, and its cost", async () => {
    upstream.setHandler(() => geminiStream(readChunkLines(`${dir}stream-generate-content-text.chunks.txt`)));
    const { data: stream, response } = await gateway.openai.chat.completions
      .create({ model: pro3, messages: [{ role: "user", content: "How many r's?" }], stream: true })
      .withResponse();
    let usage: (OpenAI.CompletionUsage & { cost?: number }) | null | undefined;
    for await (const chunk of stream) if (chunk.usage) usage = chunk.usage;
    assert.equal(response.headers.get("x-aig-provider"), "gemini");
    assert.equal(usage?.prompt_tokens, 9);
    assert.equal(usage?.completion_tokens, 23 + 185);
    assert.equal(usage?.completion_tokens_details?.reasoning_tokens, 185);
    // 9 input tokens at $2/M plus 208 output tokens at $12/M.
    assert.equal(usage?.cost, (9 * 2 + 208 * 12) / 1e6);
  });

  it("[tools] a function call with its thought signature comes back, and returns upstream on the next turn", async () => {
    upstream.setHandler(() => replyWithJsonFixture(`${dir}generate-content-function-call.json`));
    const tools: OpenAI.ChatCompletionTool[] = [
      {
        type: "function",
        function: {
          name: "weather",
          description: "Get the weather in a location",
          parameters: {
            type: "object",
            properties: { location: { type: "string", description: "The location" } },
            required: ["location"],
            additionalProperties: false,
            $schema: "http://json-schema.org/draft-07/schema#",
          },
        },
      },
    ];
    const question: OpenAI.ChatCompletionMessageParam = {
      role: "user",
      content: "Weather in San Francisco?",
    };
    const first = await gateway.openai.chat.completions.create({
      model: pro3,
      messages: [question],
      tools,
      tool_choice: "auto",
    });
    const message = first.choices[0]?.message as ReasoningMessage;
    const call = message.tool_calls?.[0];
    assert.equal(first.choices[0]?.finish_reason, "tool_calls");
    assert.ok(call?.type === "function");
    assert.equal(call.function.name, "weather");
    assert.deepEqual(JSON.parse(call.function.arguments), { location: "San Francisco" });
    assert.match(call.id, /^call_0_[0-9a-f]{16}$/);
    const signature = readJsonFixture<{
      candidates: { content: { parts: { thoughtSignature: string }[] } }[];
    }>(`${dir}generate-content-function-call.json`).candidates[0]?.content.parts[0]?.thoughtSignature;
    assert.deepEqual(message.reasoning_details, [
      { type: "reasoning.encrypted", data: signature, format: "google-gemini-v1", index: 0, id: call.id },
    ]);
    const sentTools = upstream.requests.at(-1)?.body;
    assert.deepEqual(sentTools?.tools, [
      {
        functionDeclarations: [
          {
            name: "weather",
            description: "Get the weather in a location",
            parameters: {
              type: "OBJECT",
              properties: { location: { type: "STRING", description: "The location" } },
              required: ["location"],
            },
          },
        ],
      },
    ]);
    assert.deepEqual(sentTools?.toolConfig, { functionCallingConfig: { mode: "AUTO" } });

    upstream.setHandler(() => replyWithJsonFixture(`${dir}generate-content-text.json`));
    await gateway.openai.chat.completions.create({
      model: pro3,
      messages: [
        question,
        message,
        { role: "tool", tool_call_id: call.id, content: '{"temperature":"18C"}' },
      ],
      tools,
    });
    const contents = upstream.requests.at(-1)?.body.contents as Part[][] | undefined;
    assert.deepEqual(contents?.slice(1), [
      {
        role: "model",
        parts: [
          {
            functionCall: { name: "weather", args: { location: "San Francisco" }, id: call.id },
            thoughtSignature: signature,
          },
        ],
      },
      {
        role: "user",
        parts: [{ functionResponse: { name: "weather", id: call.id, response: { temperature: "18C" } } }],
      },
    ]);
  });

  it("[streamed tools] replays three streamed turns of function calling with the recorded requests", async () => {
    const cassette = "stream-function-calls-multi-turn.cassette.yaml";
    const tools: OpenAI.ChatCompletionTool[] = [
      {
        type: "function",
        function: {
          name: "get_capital",
          description: "Get the capital of a country.",
          parameters: {
            type: "object",
            properties: { country: { type: "string", description: "The country name." } },
            required: ["country"],
          },
        },
      },
      {
        type: "function",
        function: {
          name: "get_temperature",
          description: "Get the temperature in a city.",
          parameters: {
            type: "object",
            properties: { city: { type: "string", description: "The city name." } },
            required: ["city"],
          },
        },
      },
    ];
    const messages: OpenAI.ChatCompletionMessageParam[] = [
      { role: "system", content: "You are a helpful chatbot." },
      { role: "user", content: "What is the temperature of the capital of France?" },
    ];
    const results = ['{"return_value":"Paris"}', '{"return_value":"30°C"}'];
    for (let turn = 0; turn < 3; turn++) {
      upstream.setHandler(() => replyWithCassette(`${dir}${cassette}`, turn));
      const runner = gateway.openai.chat.completions.stream({ model: flash2, messages, tools });
      const final = await runner.finalChatCompletion();
      const sent = upstream.requests.at(-1)?.body;
      const recorded = recordedRequest(cassette, turn);
      assert.deepEqual(withoutCallIds(sent?.contents), withoutCallIds(recorded.contents), `turn ${turn + 1}`);
      assert.deepEqual(sent?.tools, recorded.tools);
      const message = final.choices[0]?.message;
      if (turn < 2) {
        const call = message?.tool_calls?.[0];
        assert.equal(final.choices[0]?.finish_reason, "tool_calls");
        assert.ok(call?.type === "function");
        assert.equal(call.function.name, turn === 0 ? "get_capital" : "get_temperature");
        assert.deepEqual(
          JSON.parse(call.function.arguments),
          turn === 0 ? { country: "France" } : { city: "Paris" },
        );
        messages.push(
          { role: "assistant", content: null, tool_calls: message?.tool_calls ?? [] },
          { role: "tool", tool_call_id: call.id, content: results[turn] ?? "" },
        );
      } else {
        assert.equal(message?.content, "The temperature in Paris is 30°C.\n");
        assert.equal(final.choices[0]?.finish_reason, "stop");
      }
    }
    // The ids we handed out come back on both the call and its response.
    const lastContents = upstream.requests.at(-1)?.body.contents as { parts: Part[] }[];
    const callId = lastContents[1]?.parts[0]?.functionCall?.id;
    assert.match(callId ?? "", /^call_0_/);
    assert.equal(lastContents[2]?.parts[0]?.functionResponse?.id, callId);
  });

  it("[streamed tools] a streamed function call carries its signature in reasoning_details by call id", async () => {
    const recorded = JSON.stringify(readJsonFixture(`${dir}generate-content-function-call.json`));
    upstream.setHandler(() => geminiStream([recorded]));
    const runner = gateway.openai.chat.completions.stream({
      model: pro3,
      messages: [{ role: "user", content: "Weather in San Francisco?" }],
      tools: [
        { type: "function", function: { name: "weather", parameters: { type: "object", properties: {} } } },
      ],
    });
    const details: ReasoningDetail[] = [];
    runner.on("chunk", (chunk) => {
      const delta = chunk.choices[0]?.delta as { reasoning_details?: ReasoningDetail[] } | undefined;
      details.push(...(delta?.reasoning_details ?? []));
    });
    const final = await runner.finalChatCompletion();
    const call = final.choices[0]?.message.tool_calls?.[0];
    assert.ok(call?.type === "function");
    assert.deepEqual(JSON.parse(call.function.arguments), { location: "San Francisco" });
    assert.equal(details[0]?.id, call.id);
    assert.match(details[0]?.data ?? "", /^EskgCsYgAb4\+/);
    // A tool without parameters is declared without any.
    assert.deepEqual(upstream.requests.at(-1)?.body.tools, [{ functionDeclarations: [{ name: "weather" }] }]);
  });

  it("[reasoning] thought summaries become reasoning_content and the signature arrives intact in turn 2", async () => {
    const cassette = "generate-content-thought-parts.cassette.yaml";
    const tools: OpenAI.ChatCompletionTool[] = [
      {
        type: "function",
        function: {
          name: "dummy",
          description: "",
          parameters: { type: "object", properties: {}, additionalProperties: false },
        },
      },
    ];
    upstream.setHandler(() => replyWithCassette(`${dir}${cassette}`, 0));
    const question: OpenAI.ChatCompletionMessageParam = {
      role: "user",
      content: "How do I cross the street?",
    };
    const system: OpenAI.ChatCompletionMessageParam = {
      role: "system",
      content: "You are a helpful assistant.",
    };
    const first = await gateway.openai.chat.completions.create({
      model: pro3,
      messages: [system, question],
      tools,
      reasoning_effort: "high",
    });
    const recordedParts = (
      JSON.parse(readCassette(`${dir}${cassette}`)[0]?.response.body ?? "{}") as {
        candidates: {
          content: { parts: { text: string; thought?: boolean; thoughtSignature?: string }[] };
        }[];
      }
    ).candidates[0]?.content.parts;
    const [thought, answer] = recordedParts ?? [];
    const message = first.choices[0]?.message as ReasoningMessage;
    assert.equal(message.reasoning_content, thought?.text);
    assert.equal(message.content, answer?.text);
    assert.equal(first.usage?.completion_tokens_details?.reasoning_tokens, 1001);
    assert.equal(first.usage?.completion_tokens, 736 + 1001);
    const sentFirst = upstream.requests.at(-1)?.body;
    assert.deepEqual((sentFirst?.generationConfig as Record<string, unknown>).thinkingConfig, {
      thinkingLevel: "high",
      includeThoughts: true,
    });
    assert.deepEqual(sentFirst?.tools, [{ functionDeclarations: [{ name: "dummy", description: "" }] }]);

    upstream.setHandler(() => replyWithCassette(`${dir}${cassette}`, 1));
    const followUp = (recordedRequest(cassette, 1).contents as { parts: { text: string }[] }[])[2]?.parts[0]
      ?.text;
    const second = await gateway.openai.chat.completions.create({
      model: pro3,
      messages: [system, question, message, { role: "user", content: followUp ?? "" }],
      tools,
      reasoning_effort: "high",
    });
    assert.match(second.choices[0]?.message.content ?? "", /river/i);
    const sentSecond = upstream.requests.at(-1)?.body.contents as { role: string; parts: unknown[] }[];
    // As Gemini sent them: the thought part, then the answer carrying its signature byte for byte.
    assert.deepEqual(sentSecond[1], {
      role: "model",
      parts: [
        { text: thought?.text, thought: true },
        { text: answer?.text, thoughtSignature: answer?.thoughtSignature },
      ],
    });
    // The recorder (pydantic-ai) re-encoded the signature as base64url; the bytes are the same.
    const recordedSecond = recordedRequest(cassette, 1).contents as {
      parts: { thoughtSignature?: string }[];
    }[];
    const recordedSignature = recordedSecond[1]?.parts[1]?.thoughtSignature ?? "";
    assert.deepEqual(
      Buffer.from(recordedSignature, "base64url"),
      Buffer.from(answer?.thoughtSignature ?? "", "base64"),
    );
  });

  it("[vision] sends data: images inline and http images as fileData, and refuses an untyped URL", async () => {
    upstream.setHandler(() => replyWithJsonFixture(`${dir}generate-content-text.json`));
    await gateway.openai.chat.completions.create({
      model: pro3,
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "What is in these?" },
            { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
            { type: "image_url", image_url: { url: "https://example.com/photo.webp" } },
          ],
        },
      ],
    });
    assert.deepEqual((upstream.requests.at(-1)?.body.contents as { parts: unknown[] }[])[0]?.parts, [
      { text: "What is in these?" },
      { inlineData: { mimeType: "image/png", data: "iVBORw0KGgo=" } },
      { fileData: { mimeType: "image/webp", fileUri: "https://example.com/photo.webp" } },
    ]);
    const before = upstream.requests.length;
    await assert.rejects(
      gateway.openai.chat.completions.create({
        model: pro3,
        messages: [
          {
            role: "user",
            content: [{ type: "image_url", image_url: { url: "https://example.com/img?id=4" } }],
          },
        ],
      }),
      (error: unknown) =>
        error instanceof OpenAI.BadRequestError &&
        /data: URL/.test(error.message) &&
        error.param === "messages[0].content[0].image_url.url",
    );
    assert.equal(upstream.requests.length, before);
  });

  it("[JSON schema] json_schema becomes responseMimeType + a Gemini responseSchema", async () => {
    upstream.setHandler(() => ({
      status: 200,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        ...readJsonFixture<Record<string, unknown>>(`${dir}generate-content-text.json`),
        candidates: [
          { content: { role: "model", parts: [{ text: '{"count":3}' }] }, finishReason: "STOP", index: 0 },
        ],
      }),
    }));
    const data = await gateway.openai.chat.completions.create({
      model: pro3,
      messages: [{ role: "user", content: "Count the r's in strawberry as JSON." }],
      response_format: {
        type: "json_schema",
        json_schema: {
          name: "count",
          strict: true,
          schema: {
            type: "object",
            properties: { count: { type: "integer" }, note: { type: ["string", "null"] } },
            required: ["count", "note"],
            additionalProperties: false,
          },
        },
      },
    });
    assert.deepEqual(JSON.parse(data.choices[0]?.message.content ?? ""), { count: 3 });
    assert.deepEqual(upstream.requests.at(-1)?.body.generationConfig, {
      responseMimeType: "application/json",
      responseSchema: {
        type: "OBJECT",
        properties: { count: { type: "INTEGER" }, note: { type: "STRING", nullable: true } },
        required: ["count", "note"],
      },
    });
  });

  it("[errors] 429 RESOURCE_EXHAUSTED is a 429 with RetryInfo's delay as retry-after", async () => {
    upstream.setHandler(() => replyWithJsonFixture(`${dir}error-429-resource-exhausted.json`, 429));
    await assert.rejects(
      gateway.openai.chat.completions.create({ model: pro3, messages: [{ role: "user", content: "Hi" }] }),
      (error: unknown) =>
        error instanceof OpenAI.RateLimitError &&
        error.headers.get("retry-after") === "35" &&
        /exceeded your current quota/.test(error.message),
    );
  });

  it("[errors] 404 NOT_FOUND for an unknown upstream model keeps Google's message", async () => {
    upstream.setHandler(() => replyWithCassette(`${dir}error-404-model-not-found.cassette.yaml`));
    await assert.rejects(
      gateway.openai.chat.completions.create({
        model: misspelled,
        messages: [{ role: "user", content: "hello" }],
      }),
      (error: unknown) =>
        error instanceof OpenAI.NotFoundError &&
        /gemini-3\.6-flahs is not found for API version v1beta/.test(error.message),
    );
    assert.equal(upstream.requests.at(-1)?.path, "/v1/models/gemini-3.6-flahs:generateContent");
    assert.deepEqual(
      upstream.requests.at(-1)?.body.contents,
      recordedRequest("error-404-model-not-found.cassette.yaml", 0).contents,
    );
  });

  it("[errors] a key Gemini rejects (403, or 400 API_KEY_INVALID) is a 502 naming the provider", async () => {
    // Google's documented envelopes; no Gemini 400/401/403 key error was found as a recording.
    const bodies = [
      [403, { error: { code: 403, message: "Permission denied.", status: "PERMISSION_DENIED" } }],
      [
        400,
        {
          error: {
            code: 400,
            message: "API key not valid. Please pass a valid API key.",
            status: "INVALID_ARGUMENT",
            details: [{ "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "API_KEY_INVALID" }],
          },
        },
      ],
    ] as const;
    for (const [status, body] of bodies) {
      upstream.setHandler(() => ({
        status,
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      }));
      await assert.rejects(
        gateway.openai.chat.completions.create({ model: pro3, messages: [{ role: "user", content: "Hi" }] }),
        (error: unknown) =>
          error instanceof OpenAI.APIError && error.status === 502 && /gemini/.test(error.message),
      );
    }
  });

  it("[mid-stream error] an error event after content reaches the client as an error", async () => {
    const [firstChunk] = readChunkLines(`${dir}stream-generate-content-text.chunks.txt`);
    // Gemini's in-stream error event carries the usual envelope (no recording of one exists).
    const failure = JSON.stringify({
      error: { code: 500, message: "An internal error has occurred.", status: "INTERNAL" },
    });
    upstream.setHandler(() => geminiStream([firstChunk ?? "", failure]));
    const stream = await gateway.openai.chat.completions.create({
      model: pro3,
      messages: [{ role: "user", content: "How many r's?" }],
      stream: true,
    });
    const { text, error } = await readStreamUntilFailure(stream);
    assert.ok(error instanceof OpenAI.APIError && /internal error has occurred/.test(error.message));
    assert.equal(text, "There are **3**");
  });

  it("[mid-stream error] a stream that ends before a finishReason is an error, not a short success", async () => {
    const lines = readChunkLines(`${dir}stream-generate-content-text.chunks.txt`);
    upstream.setHandler(() => geminiStream(lines.slice(0, 2)));
    const stream = await gateway.openai.chat.completions.create({
      model: pro3,
      messages: [{ role: "user", content: "How many r's?" }],
      stream: true,
    });
    await assert.rejects(
      (async () => {
        for await (const chunk of stream) void chunk;
      })(),
      (error: unknown) =>
        error instanceof OpenAI.APIError && /ended the stream before it was complete/.test(error.message),
    );
  });

  it("[embeddings] batchEmbedContents answers the openai SDK, base64 by default, with dimensions", async () => {
    const cassette = "embed-content.cassette.yaml";
    upstream.setHandler(() => replyWithCassette(`${dir}${cassette}`));
    const { data, response } = await gateway.openai.embeddings
      .create({ model: embedding, input: "Hello, world!", dimensions: 768 })
      .withResponse();
    const recorded = JSON.parse(readCassette(`${dir}${cassette}`)[0]?.response.body ?? "{}") as {
      embeddings: { values: number[] }[];
    };
    const expected = recorded.embeddings[0]?.values ?? [];
    const vector = data.data[0]?.embedding ?? [];
    assert.equal(data.model, embedding);
    assert.equal(vector.length, 768);
    vector.forEach((value, index) => assert.ok(Math.abs(value - (expected[index] ?? 0)) < 1e-6));
    assert.ok(data.usage.prompt_tokens > 0);
    assert.ok(Number(response.headers.get("x-cost-cents")) > 0);
    const sent = upstream.requests.at(-1);
    assert.equal(sent?.path, "/v1/models/gemini-embedding-2-preview:batchEmbedContents");
    const recordedItem = (recordedRequest(cassette, 0).requests as Record<string, unknown>[])[0] ?? {};
    const { taskType: _taskType, ...withoutTaskType } = recordedItem;
    assert.deepEqual((sent?.body.requests as unknown[])[0], withoutTaskType);
  });
});
