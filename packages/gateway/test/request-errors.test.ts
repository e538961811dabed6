// Bad input and failing upstreams: every one a clear error in the OpenAI envelope, never a 500 or a hang.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";
import {
  replyWithCassette,
  replyWithJsonFixture,
  startFakeUpstream,
  type FakeUpstream,
} from "./support/fake-upstream.ts";
import { fixturesMissing, readChunkLines, readCassette } from "./support/fixtures.ts";
import { startTestGateway, type TestGateway } from "./support/start-test-gateway.ts";

interface Envelope {
  error: { message: string; type: string; code: number; param: string | null };
}

describe("request errors", { skip: fixturesMissing }, () => {
  let gateway: TestGateway;
  let openaiUpstream: FakeUpstream;
  let groqUpstream: FakeUpstream;

  before(async () => {
    openaiUpstream = await startFakeUpstream(() => replyWithJsonFixture("openai/chat-completion-text.json"));
    groqUpstream = await startFakeUpstream(() => replyWithJsonFixture("groq/chat-text.json"));
    gateway = await startTestGateway({
      OPENAI_API_KEY: "test",
      OPENAI_BASE_URL: openaiUpstream.baseUrl,
      GROQ_API_KEY: "test",
      GROQ_BASE_URL: groqUpstream.baseUrl,
      // A closed port: connection refused.
      DEEPSEEK_API_KEY: "test",
      DEEPSEEK_BASE_URL: "http://127.0.0.1:9/v1",
      AIG_UPSTREAM_FIRST_BYTE_TIMEOUT_MS: "300",
      AIG_BODY_LIMIT_BYTES: "65536",
    });
  });
  after(async () => {
    await gateway.close();
    await openaiUpstream.close();
    await groqUpstream.close();
  });

  async function post(path: string, body: string, headers: Record<string, string> = {}) {
    const response = await fetch(`${gateway.baseUrl}${path}`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${gateway.ownerKey}`,
        "content-type": "application/json",
        ...headers,
      },
      body,
    });
    const envelope = (await response.json()) as Envelope;
    return { status: response.status, envelope, headers: response.headers };
  }

  function assertEnvelope(envelope: Envelope, status: number, type: string): void {
    assert.equal(envelope.error.code, status);
    assert.equal(envelope.error.type, type);
    assert.equal(typeof envelope.error.message, "string");
    assert.ok("param" in envelope.error);
  }

  it("rejects malformed JSON with 400", async () => {
    const { status, envelope, headers } = await post("/v1/chat/completions", "{not json");
    assert.equal(status, 400);
    assertEnvelope(envelope, 400, "invalid_request_error");
    assert.match(envelope.error.message, /not valid JSON/);
    assert.ok(headers.get("x-request-id"));
  });

  it("names the missing or mistyped field", async () => {
    // An omitted model means the Auto Router; a mistyped one is still named.
    const badModel = await post("/v1/chat/completions", JSON.stringify({ model: 42, messages: [] }));
    assert.equal(badModel.status, 400);
    assert.equal(badModel.envelope.error.param, "model");
    const badMessages = await post(
      "/v1/chat/completions",
      JSON.stringify({ model: "openai/gpt-4o", messages: "hi" }),
    );
    assert.equal(badMessages.envelope.error.param, "messages");
    const badRole = await post(
      "/v1/chat/completions",
      JSON.stringify({ model: "openai/gpt-4o", messages: [{ role: "robot", content: "x" }] }),
    );
    assert.equal(badRole.envelope.error.param, "messages.0.role");
    const badTemperature = await post(
      "/v1/chat/completions",
      JSON.stringify({
        model: "openai/gpt-4o",
        messages: [{ role: "user", content: "x" }],
        temperature: "hot",
      }),
    );
    assert.equal(badTemperature.status, 400);
    assert.equal(badTemperature.envelope.error.param, "temperature");
    const badInput = await post("/v1/embeddings", JSON.stringify({ model: "openai/text-embedding-3-small" }));
    assert.equal(badInput.envelope.error.param, "input");
  });

  it("rejects a body over the limit with 413", async () => {
    const huge = JSON.stringify({
      model: "openai/gpt-4o",
      messages: [{ role: "user", content: "x".repeat(70_000) }],
    });
    const { status, envelope } = await post("/v1/chat/completions", huge);
    assert.equal(status, 413);
    assertEnvelope(envelope, 413, "payload_too_large");
  });

  it("rejects a non-JSON content type with 400", async () => {
    const { status, envelope } = await post("/v1/chat/completions", "model=x", {
      "content-type": "application/x-www-form-urlencoded",
    });
    assert.equal(status, 400);
    assertEnvelope(envelope, 400, "invalid_request_error");
  });

  it("refuses missing and unknown keys with 401 through the SDK", async () => {
    const response = await fetch(`${gateway.baseUrl}/v1/models`);
    assert.equal(response.status, 401);
    assertEnvelope((await response.json()) as Envelope, 401, "authentication_error");
    await assert.rejects(
      gateway.client("sk-aig-not-a-real-key").chat.completions.create({
        model: "aigateway/echo",
        messages: [{ role: "user", content: "hi" }],
      }),
      OpenAI.AuthenticationError,
    );
  });

  it("answers an unknown model with 404 model_not_found and suggestions", async () => {
    const error = await gateway.openai.chat.completions
      .create({ model: "openai/gpt-4o-mimi", messages: [{ role: "user", content: "hi" }] })
      .catch((caught: unknown) => caught);
    assert.ok(error instanceof OpenAI.NotFoundError);
    assert.equal((error.error as Envelope["error"]).type, "model_not_found");
    assert.match(error.message, /openai\/gpt-4o-mini/);
  });

  it("answers a model whose provider is not configured with 503 naming the env var", async () => {
    const error = await gateway.openai.chat.completions
      .create({ model: "xai/grok-3", messages: [{ role: "user", content: "hi" }] })
      .catch((caught: unknown) => caught);
    assert.ok(error instanceof OpenAI.APIError);
    assert.equal(error.status, 503);
    assert.match(error.message, /XAI_API_KEY/);
  });

  it("rejects an invalid x-aig-tag with 400", async () => {
    const { status, envelope } = await post(
      "/v1/chat/completions",
      JSON.stringify({ model: "aigateway/echo", messages: [{ role: "user", content: "x" }] }),
      { "x-aig-tag": "t".repeat(65) },
    );
    assert.equal(status, 400);
    assert.equal(envelope.error.param, "x-aig-tag");
  });

  it("[openai] [groq] [errors] maps recorded upstream 4xx errors with the vendor's message", async () => {
    openaiUpstream.setHandler(() =>
      replyWithJsonFixture("openai/chat-error-400-unsupported-parameter.json", 400),
    );
    const badRequest = await gateway.openai.chat.completions
      .create({ model: "openai/gpt-4o", messages: [{ role: "user", content: "hi" }] })
      .catch((caught: unknown) => caught);
    assert.ok(badRequest instanceof OpenAI.BadRequestError);
    assert.match(badRequest.message, /max_tokens/);

    openaiUpstream.setHandler(() => replyWithCassette("openai/chat-error-404-model-not-found.cassette.yaml"));
    const notFound = await gateway.openai.chat.completions
      .create({ model: "openai/gpt-4o", messages: [{ role: "user", content: "hi" }] })
      .catch((caught: unknown) => caught);
    assert.ok(notFound instanceof OpenAI.NotFoundError);

    groqUpstream.setHandler(() => replyWithCassette("groq/chat-error-400-tool-use-failed.cassette.yaml"));
    const toolUseFailed = await gateway.openai.chat.completions
      .create({ model: "meta/llama-3.3-70b", messages: [{ role: "user", content: "hi" }] })
      .catch((caught: unknown) => caught);
    assert.ok(toolUseFailed instanceof OpenAI.BadRequestError);
    assert.match(toolUseFailed.message, /tool/i);

    openaiUpstream.setHandler(() =>
      replyWithJsonFixture("openai/responses-error-429-insufficient-quota.json", 429),
    );
    const quota = await gateway.openai.chat.completions
      .create({ model: "openai/gpt-4o", messages: [{ role: "user", content: "hi" }] })
      .catch((caught: unknown) => caught);
    assert.ok(quota instanceof OpenAI.RateLimitError);
    assert.match(quota.message, /quota/);
  });

  it("[openai] [errors] turns an upstream credential rejection into 502, not a 401 for the client", async () => {
    openaiUpstream.setHandler(() =>
      replyWithCassette("openai/completions-error-401-invalid-api-key.cassette.yaml"),
    );
    const error = await gateway.openai.chat.completions
      .create({ model: "openai/gpt-4o", messages: [{ role: "user", content: "hi" }] })
      .catch((caught: unknown) => caught);
    assert.ok(error instanceof OpenAI.InternalServerError);
    assert.equal(error.status, 502);
    assert.match(error.message, /openai/);
  });

  it("[openai] [errors] answers upstream 5xx with 502 and an unreachable upstream with 502", async () => {
    openaiUpstream.setHandler(() => ({ status: 503, body: "<html>upstream down</html>" }));
    const fiveHundred = await gateway.openai.chat.completions
      .create({ model: "openai/gpt-4o", messages: [{ role: "user", content: "hi" }] })
      .catch((caught: unknown) => caught);
    assert.ok(fiveHundred instanceof OpenAI.APIError);
    assert.equal(fiveHundred.status, 502);
    assert.equal((fiveHundred.error as Envelope["error"]).type, "provider_error");

    const refused = await gateway.openai.chat.completions
      .create({ model: "deepseek/deepseek-chat", messages: [{ role: "user", content: "hi" }] })
      .catch((caught: unknown) => caught);
    assert.ok(refused instanceof OpenAI.APIError);
    assert.equal(refused.status, 502);
  });

  it("[openai] [errors] answers an upstream that never responds with 504", async () => {
    openaiUpstream.setHandler(() => ({ status: 200, hang: true }));
    const error = await gateway.openai.chat.completions
      .create({ model: "openai/gpt-4o", messages: [{ role: "user", content: "hi" }] })
      .catch((caught: unknown) => caught);
    assert.ok(error instanceof OpenAI.APIError);
    assert.equal(error.status, 504);
    assert.equal((error.error as Envelope["error"]).type, "timeout_error");
  });

  it("[openai] [mid-stream error] ends a stream whose upstream dies midway with an error event the SDK raises", async () => {
    const frames = readChunkLines("openai/chat-stream-text-with-usage.chunks.txt").map(
      (line) => `data: ${line}\n\n`,
    );
    openaiUpstream.setHandler(() => ({
      status: 200,
      headers: { "content-type": "text/event-stream" },
      frames,
      destroyAfterFrames: 5,
    }));
    const stream = await gateway.openai.chat.completions.create({
      model: "openai/gpt-4.1-nano",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
    });
    let received = 0;
    await assert.rejects(async () => {
      for await (const chunk of stream) if (chunk.choices.length > 0) received++;
    }, OpenAI.APIError);
    assert.equal(received, 5);
  });

  it("[openai] [mid-stream error] passes an in-stream upstream error on as an error, not as success", async () => {
    // A recorded error body arriving as an SSE event after recorded content chunks.
    const errorBody = readCassette("openrouter/chat-error-429-upstream-rate-limited.cassette.yaml")[0]
      ?.response.body;
    const frames = readChunkLines("openai/chat-stream-text-with-usage.chunks.txt")
      .slice(0, 3)
      .map((line) => `data: ${line}\n\n`);
    frames.push(`data: ${JSON.stringify(JSON.parse(errorBody ?? "{}"))}\n\n`);
    openaiUpstream.setHandler(() => ({
      status: 200,
      headers: { "content-type": "text/event-stream" },
      frames,
    }));
    const stream = await gateway.openai.chat.completions.create({
      model: "openai/gpt-4.1-nano",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
    });
    await assert.rejects(async () => {
      for await (const chunk of stream) void chunk;
    }, /Provider returned error|rate/i);
    const usage = await fetch(`${gateway.baseUrl}/v1/usage/recent?limit=1`, {
      headers: { authorization: `Bearer ${gateway.ownerKey}` },
    });
    const rows = ((await usage.json()) as { data: { status: number; error_type: string }[] }).data;
    assert.equal(rows[0]?.status, 502);
    assert.equal(rows[0]?.error_type, "provider_error");
  });

  it("answers unknown routes with a 404 envelope", async () => {
    const response = await fetch(`${gateway.baseUrl}/v1/nope`, {
      headers: { authorization: `Bearer ${gateway.ownerKey}` },
    });
    assert.equal(response.status, 404);
    assertEnvelope((await response.json()) as Envelope, 404, "not_found_error");
  });
});
