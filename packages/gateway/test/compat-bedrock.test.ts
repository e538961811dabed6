// AWS Bedrock (Converse / ConverseStream) through the real gateway, driven by the official openai SDK,
// with a fake upstream replaying the recorded Bedrock traffic (JSON bodies and binary event streams).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { EventStreamCodec } from "@smithy/eventstream-codec";
import { fromUtf8, toUtf8 } from "@smithy/util-utf8";
import OpenAI from "openai";
import { signAwsRequest } from "../src/providers/bedrock/sign-aws-request.ts";
import {
  replyWithCassette,
  replyWithJsonFixture,
  type FakeReply,
  type FakeUpstream,
  type RecordedRequest,
} from "./support/fake-upstream.ts";
import { fixturesMissing, readCassette, readChunkLines } from "./support/fixtures.ts";
import { readStreamUntilFailure } from "./support/read-stream-until-failure.ts";
import { startGatewayWithFakeUpstream } from "./support/start-gateway-with-fake-upstream.ts";
import type { TestGateway } from "./support/start-test-gateway.ts";

const models = {
  nova: { slug: "aigtest/bedrock-nova-micro", upstream: "us.amazon.nova-micro-v1:0" },
  claude37: { slug: "aigtest/bedrock-claude-3-7", upstream: "us.anthropic.claude-3-7-sonnet-20250219-v1:0" },
  claude4: {
    slug: "aigtest/bedrock-claude-sonnet-4",
    upstream: "us.anthropic.claude-sonnet-4-20250514-v1:0",
  },
  claude3: { slug: "aigtest/bedrock-claude-3-sonnet", upstream: "anthropic.claude-3-sonnet-20240229-v1:0" },
  invalid: { slug: "aigtest/bedrock-invalid", upstream: "us.does-not-exist-model-v1:0" },
};

const testModels = Object.values(models).map((model) => ({
  id: model.slug,
  name: model.slug,
  lab: "aigtest",
  modality: "text",
  context_window: 200000,
  max_output_tokens: 64000,
  capabilities: ["tools", "vision", "json", "streaming", "reasoning"],
  released: "2025-01-01",
  routes: [
    {
      provider: "bedrock",
      upstream_id: model.upstream,
      pricing: { input: "3.00", output: "15.00" },
      price_source: "https://aws.amazon.com/bedrock/pricing/",
      price_as_of: "2026-11-24",
    },
  ],
}));

const codec = new EventStreamCodec(toUtf8, fromUtf8);
const stringHeader = (value: string) => ({ type: "string" as const, value });
const eventStreamHeaders = { "content-type": "application/vnd.amazon.eventstream" };

/** One decoded `converse-stream-text.chunks.txt` line (`{"<eventType>": payload}`) re-encoded as AWS framing. */
function encodeEventLine(line: string): Uint8Array {
  const [[eventType, payload]] = Object.entries(JSON.parse(line) as Record<string, unknown>) as [
    [string, unknown],
  ];
  return codec.encode({
    headers: {
      ":event-type": stringHeader(eventType),
      ":content-type": stringHeader("application/json"),
      ":message-type": stringHeader("event"),
    },
    body: fromUtf8(JSON.stringify(payload)),
  });
}

function encodeException(type: string, message: string): Uint8Array {
  return codec.encode({
    headers: {
      ":exception-type": stringHeader(type),
      ":content-type": stringHeader("application/json"),
      ":message-type": stringHeader("exception"),
    },
    body: fromUtf8(JSON.stringify({ message })),
  });
}

/** Bytes cut into pieces of awkward sizes, so messages straddle reads and reads hold several messages. */
function cutIntoPieces(messages: Uint8Array[], sizes: number[]): Uint8Array[] {
  const whole = Buffer.concat(messages);
  const pieces: Uint8Array[] = [];
  for (let offset = 0, turn = 0; offset < whole.length; turn++) {
    const size = sizes[turn % sizes.length] ?? 64;
    pieces.push(whole.subarray(offset, offset + size));
    offset += size;
  }
  return pieces;
}

/** A recorded error response with all of its AWS headers (x-amzn-errortype carries the error's type). */
function replyWithRecordedError(name: string): FakeReply {
  const { status, headers, body } = readCassette(name)[0]?.response ?? { status: 500, headers: {}, body: "" };
  const replayed: Record<string, string> = {};
  for (const [header, value] of Object.entries(headers)) {
    if (header === "content-type" || header.startsWith("x-amzn-")) replayed[header] = value;
  }
  return { status, headers: replayed, body };
}

/** The recorded upstream request body of a cassette interaction. */
const recordedRequest = (name: string, index = 0) =>
  readCassette(name)[index]?.request.body as Record<string, unknown>;

describe("AWS Bedrock Converse through the openai SDK", { skip: fixturesMissing }, () => {
  let gateway: TestGateway;
  let upstream: FakeUpstream;
  const lastRequest = (): RecordedRequest => {
    const request = upstream.requests.at(-1);
    assert.ok(request, "the upstream was called");
    return request;
  };

  let close: () => Promise<void>;
  before(async () => {
    ({ gateway, upstream, close } = await startGatewayWithFakeUpstream(testModels, (baseUrl) => ({
      BEDROCK_BASE_URL: baseUrl,
      AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
      AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
      AWS_SESSION_TOKEN: "test-session-token",
      AWS_REGION: "eu-central-1",
    })));
  });
  after(() => close());

  it("[text] answers with the recorded message, sends the system prompt as system blocks and signs with SigV4", async () => {
    upstream.setHandler(() => replyWithCassette("bedrock/converse.cassette.yaml"));
    const { data, response } = await gateway.openai.chat.completions
      .create({
        model: models.nova.slug,
        messages: [
          { role: "system", content: "You are a chatbot." },
          { role: "user", content: "Hello!" },
        ],
      })
      .withResponse();
    assert.match(data.choices[0]?.message.content ?? "", /^Hello! How can I assist you today\?/);
    assert.equal(data.choices[0]?.finish_reason, "stop");
    assert.equal(data.model, models.nova.slug);
    assert.equal(response.headers.get("x-aig-provider"), "bedrock");

    const sent = lastRequest();
    const recorded = recordedRequest("bedrock/converse.cassette.yaml");
    assert.equal(sent.path, "/v1/model/us.amazon.nova-micro-v1%3A0/converse");
    assert.deepEqual(sent.body.messages, recorded.messages);
    assert.deepEqual(sent.body.system, recorded.system);

    // The signature covers exactly what arrived: re-signing the received request reproduces it.
    const authorization = String(sent.headers.authorization);
    assert.match(authorization, /Credential=AKIDEXAMPLE\/\d{8}\/eu-central-1\/bedrock\/aws4_request/);
    assert.match(
      authorization,
      /SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token,/,
    );
    assert.equal(sent.headers["x-amz-security-token"], "test-session-token");
    const amzDate = String(sent.headers["x-amz-date"]);
    const signingDate = new Date(
      `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
    );
    const resigned = await signAwsRequest(
      {
        method: sent.method,
        url: new URL(sent.path, `http://${String(sent.headers.host)}`),
        headers: { "content-type": String(sent.headers["content-type"]) },
        body: JSON.stringify(sent.body),
      },
      {
        credentials: {
          accessKeyId: "AKIDEXAMPLE",
          secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
          sessionToken: "test-session-token",
        },
        region: "eu-central-1",
        service: "bedrock",
        signingDate,
      },
    );
    assert.equal(resigned.authorization, authorization);
  });

  it("[usage] reports Converse's token counts with a cost", async () => {
    upstream.setHandler(() => replyWithJsonFixture("bedrock/converse-text.json"));
    const { data, response } = await gateway.openai.chat.completions
      .create({
        model: models.claude37.slug,
        messages: [{ role: "user", content: "Count the r's in strawberry" }],
      })
      .withResponse();
    assert.match(data.choices[0]?.message.content ?? "", /There are \*\*3\*\* "r"s/);
    assert.equal(data.usage?.prompt_tokens, 22);
    assert.equal(data.usage?.completion_tokens, 57);
    assert.equal(data.usage?.total_tokens, 79);
    assert.equal(data.usage?.prompt_tokens_details?.cached_tokens, 0);
    assert.ok(Number(response.headers.get("x-cost-cents")) > 0);
  });

  it("[reasoning] returns reasoning_content and a signed reasoning_details entry", async () => {
    upstream.setHandler(() => replyWithJsonFixture("bedrock/converse-reasoning.json"));
    const data = await gateway.openai.chat.completions.create({
      model: models.claude37.slug,
      messages: [{ role: "user", content: "How many r's in strawberry?" }],
      reasoning_effort: "low",
    });
    const message = data.choices[0]?.message as OpenAI.ChatCompletionMessage & {
      reasoning_content?: string;
      reasoning_details?: { type: string; text: string; signature: string; format: string }[];
    };
    assert.match(message.content ?? "", /There are \*\*3\*\* r's/);
    assert.match(message.reasoning_content ?? "", /^Let me count the r's/);
    assert.equal(message.reasoning_details?.[0]?.format, "anthropic-claude-v1");
    assert.match(message.reasoning_details?.[0]?.signature ?? "", /^EvYBCkgICxABGAIqQA9E9VC377Unb/);
    assert.deepEqual(lastRequest().body.additionalModelRequestFields, {
      thinking: { type: "enabled", budget_tokens: 2048 },
    });
    assert.equal(data.usage?.completion_tokens, 78);
  });

  it("[tools] sends the tool and thinking, and turn 1's tool call and signature arrive intact in turn 2", async () => {
    const cassette = "bedrock/converse-tool-use-with-thinking.cassette.yaml";
    upstream.setHandler((request) =>
      replyWithCassette(cassette, (request.body.messages as unknown[]).length > 1 ? 1 : 0),
    );
    const tools: OpenAI.ChatCompletionTool[] = [
      {
        type: "function",
        function: {
          name: "get_user_country",
          parameters: { additionalProperties: false, properties: {}, type: "object" },
        },
      },
    ];
    const question = { role: "user" as const, content: "What is the largest city in the user country?" };
    const turn1 = await gateway.openai.chat.completions.create({
      model: models.claude37.slug,
      messages: [question],
      tools,
      reasoning_effort: "minimal",
    });
    const first = recordedRequest(cassette, 0);
    assert.deepEqual(lastRequest().body.messages, first.messages);
    assert.deepEqual(lastRequest().body.toolConfig, first.toolConfig);
    assert.deepEqual(lastRequest().body.additionalModelRequestFields, first.additionalModelRequestFields);
    const choice = turn1.choices[0];
    assert.ok(choice);
    assert.equal(choice.finish_reason, "tool_calls");
    const call = choice.message.tool_calls?.[0];
    assert.equal(call?.id, "tooluse_W9DaUFg4Tj2cRPpndqxWSg");
    assert.equal(call?.type === "function" && call.function.name, "get_user_country");

    const turn2 = await gateway.openai.chat.completions.create({
      model: models.claude37.slug,
      messages: [question, choice.message, { role: "tool", tool_call_id: call?.id ?? "", content: "Mexico" }],
      tools,
      reasoning_effort: "minimal",
    });
    assert.match(turn2.choices[0]?.message.content ?? "", /Mexico City/);
    // The recorded follow-up, except the toolResult `status` pydantic-ai adds (OpenAI has no such field).
    const second = recordedRequest(cassette, 1) as {
      messages: { content: { toolResult?: { status?: string } }[] }[];
    };
    for (const message of second.messages) {
      for (const block of message.content) delete block.toolResult?.status;
    }
    assert.deepEqual(lastRequest().body.messages, second.messages);
  });

  it("[stream] streams the recorded text, with frames split across reads, and ends with usage", async () => {
    const lines = readChunkLines("bedrock/converse-stream-text.chunks.txt");
    upstream.setHandler(() => ({
      status: 200,
      headers: eventStreamHeaders,
      frames: cutIntoPieces(lines.map(encodeEventLine), [37, 1, 250, 9, 120]),
    }));
    const stream = await gateway.openai.chat.completions.create({
      model: models.claude37.slug,
      messages: [{ role: "user", content: "Count the r's" }],
      stream: true,
    });
    let text = "";
    let finishReason: string | null | undefined;
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      assert.equal(chunk.model, models.claude37.slug);
      text += chunk.choices[0]?.delta.content ?? "";
      finishReason = chunk.choices[0]?.finish_reason ?? finishReason;
      if (chunk.usage) usage = chunk.usage;
    }
    const recorded = lines
      .map(
        (line) =>
          (JSON.parse(line) as { contentBlockDelta?: { delta: { text?: string } } }).contentBlockDelta,
      )
      .map((event) => event?.delta.text ?? "")
      .join("");
    assert.equal(text, recorded);
    assert.equal(finishReason, "stop");
    assert.equal(usage?.prompt_tokens, 22);
    assert.equal(usage?.completion_tokens, 55);
    assert.match(
      lastRequest().path,
      /\/model\/us\.anthropic\.claude-3-7-sonnet-20250219-v1%3A0\/converse-stream$/,
    );
  });

  it("[streamed tools] replays the recorded event stream into text and one streamed tool call", async () => {
    const cassette = "bedrock/converse-stream-eventstream-tool-use-claude.cassette.yaml";
    upstream.setHandler(() => replyWithCassette(cassette));
    const stream = await gateway.openai.chat.completions.create({
      model: models.claude3.slug,
      messages: [{ role: "user", content: "What is the weather in Barcelona?" }],
      tools: [
        {
          type: "function",
          function: {
            name: "get_weather",
            description: "Get the current weather for a location",
            parameters: {
              type: "object",
              properties: { location: { type: "string", description: "The city name" } },
              required: ["location"],
            },
          },
        },
      ],
      max_tokens: 300,
      temperature: 0.5,
      stream: true,
    });
    let text = "";
    let finishReason: string | null | undefined;
    let usage: OpenAI.CompletionUsage | undefined;
    const calls = new Map<number, { id: string; name: string; arguments: string }>();
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta;
      text += delta?.content ?? "";
      for (const call of delta?.tool_calls ?? []) {
        const entry = calls.get(call.index) ?? { id: "", name: "", arguments: "" };
        entry.id ||= call.id ?? "";
        entry.name ||= call.function?.name ?? "";
        entry.arguments += call.function?.arguments ?? "";
        calls.set(call.index, entry);
      }
      finishReason = chunk.choices[0]?.finish_reason ?? finishReason;
      if (chunk.usage) usage = chunk.usage;
    }
    assert.match(text, /^Okay, let me check the weather for Barcelona using the available tool/);
    assert.equal(calls.size, 1);
    assert.match(calls.get(0)?.id ?? "", /^tooluse_/);
    assert.equal(calls.get(0)?.name, "get_weather");
    assert.deepEqual(JSON.parse(calls.get(0)?.arguments ?? ""), { location: "Barcelona" });
    assert.equal(finishReason, "tool_calls");
    assert.ok(usage && usage.prompt_tokens > 0 && usage.completion_tokens > 0);
    const recorded = recordedRequest(cassette);
    assert.deepEqual(lastRequest().body.toolConfig, recorded.toolConfig);
    assert.deepEqual(lastRequest().body.inferenceConfig, recorded.inferenceConfig);
    assert.deepEqual(lastRequest().body.messages, recorded.messages);
  });

  it("[reasoning] streams Claude's thinking and its signature from the recorded event stream", async () => {
    const cassette = "bedrock/converse-stream-eventstream-thinking.cassette.yaml";
    upstream.setHandler(() => replyWithCassette(cassette));
    const stream = await gateway.openai.chat.completions.create({
      model: models.claude4.slug,
      messages: [{ role: "user", content: "Hello" }],
      reasoning_effort: "minimal",
      stream: true,
    });
    let text = "";
    let reasoning = "";
    let signature = "";
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta as
        | (OpenAI.ChatCompletionChunk.Choice.Delta & {
            reasoning_content?: string;
            reasoning_details?: { signature?: string; format?: string }[];
          })
        | undefined;
      text += delta?.content ?? "";
      reasoning += delta?.reasoning_content ?? "";
      for (const detail of delta?.reasoning_details ?? []) {
        assert.equal(detail.format, "anthropic-claude-v1");
        if (detail.signature) signature = detail.signature;
      }
    }
    assert.match(reasoning, /^The user has greeted me with a simple "Hello"/);
    assert.ok(text.length > 0);
    assert.ok(signature.length > 100, "the signature delta reached the client");
    assert.deepEqual(
      lastRequest().body.additionalModelRequestFields,
      recordedRequest(cassette).additionalModelRequestFields,
    );
  });

  it("[vision] sends a data: URL image as bytes and refuses an image URL with a 400", async () => {
    upstream.setHandler(() => replyWithJsonFixture("bedrock/converse-text.json"));
    await gateway.openai.chat.completions.create({
      model: models.nova.slug,
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "What is in this image?" },
            { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
          ],
        },
      ],
    });
    assert.deepEqual((lastRequest().body.messages as { content: unknown }[])[0]?.content, [
      { text: "What is in this image?" },
      { image: { format: "png", source: { bytes: "iVBORw0KGgo=" } } },
    ]);
    const calls = upstream.requests.length;
    await assert.rejects(
      gateway.openai.chat.completions.create({
        model: models.nova.slug,
        messages: [
          {
            role: "user",
            content: [{ type: "image_url", image_url: { url: "https://example.com/cat.png" } }],
          },
        ],
      }),
      (error: unknown) =>
        error instanceof OpenAI.BadRequestError &&
        /data: URLs/.test(error.message) &&
        error.param === "messages[0].content[0].image_url",
    );
    assert.equal(upstream.requests.length, calls, "a request Bedrock cannot take is not sent");
  });

  it("[JSON schema] sends response_format json_schema as outputConfig and reports what Converse cannot express", async () => {
    upstream.setHandler(() => replyWithJsonFixture("bedrock/converse-text.json"));
    const schema = {
      type: "object",
      properties: { answer: { type: "string" } },
      additionalProperties: false,
    };
    const { response } = await gateway.openai.chat.completions
      .create({
        model: models.nova.slug,
        messages: [{ role: "user", content: "Answer in JSON" }],
        response_format: { type: "json_schema", json_schema: { name: "answer", schema, strict: true } },
        seed: 7,
        frequency_penalty: 0.5,
      })
      .withResponse();
    assert.deepEqual(lastRequest().body.outputConfig, {
      textFormat: {
        type: "json_schema",
        structure: { jsonSchema: { schema: JSON.stringify(schema), name: "answer" } },
      },
    });
    assert.match(response.headers.get("x-aig-warning") ?? "", /frequency_penalty, seed/);
    assert.equal(lastRequest().body.seed, undefined);
  });

  it("[errors] maps the recorded 400 and 403 (expired token → 502) with the vendor's message", async () => {
    upstream.setHandler(() => replyWithCassette("bedrock/converse-error-400-invalid-model.cassette.yaml"));
    await assert.rejects(
      gateway.openai.chat.completions.create({
        model: models.invalid.slug,
        messages: [{ role: "user", content: "hello" }],
      }),
      (error: unknown) =>
        error instanceof OpenAI.BadRequestError &&
        /The provided model identifier is invalid\./.test(error.message),
    );
    assert.equal(lastRequest().path, "/v1/model/us.does-not-exist-model-v1%3A0/converse");

    upstream.setHandler(() =>
      replyWithRecordedError("bedrock/converse-error-403-expired-token.cassette.yaml"),
    );
    await assert.rejects(
      gateway.openai.chat.completions.create({
        model: models.claude3.slug,
        messages: [{ role: "user", content: "hi" }],
      }),
      (error: unknown) =>
        error instanceof OpenAI.APIError &&
        error.status === 502 &&
        /ExpiredTokenException/.test(error.message) &&
        /security token included in the request is expired/.test(error.message),
    );
  });

  it("[mid-stream error] turns a throttlingException event after some text into a stream error", async () => {
    const lines = readChunkLines("bedrock/converse-stream-text.chunks.txt").slice(0, 4);
    upstream.setHandler(() => ({
      status: 200,
      headers: eventStreamHeaders,
      frames: [
        ...lines.map(encodeEventLine),
        encodeException("throttlingException", "Too many requests, please wait."),
      ],
    }));
    const stream = await gateway.openai.chat.completions.create({
      model: models.claude37.slug,
      messages: [{ role: "user", content: "Count the r's" }],
      stream: true,
    });
    const { text, error } = await readStreamUntilFailure(stream);
    assert.ok(
      error instanceof OpenAI.APIError &&
        (error as { type?: string }).type === "rate_limit_error" &&
        /Too many requests/.test(error.message),
    );
    assert.ok(text.startsWith("Let me count"), "the text before the failure was delivered");
  });
});
