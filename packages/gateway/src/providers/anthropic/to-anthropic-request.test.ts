import { test } from "node:test";
import assert from "node:assert/strict";
import type { ChatCompletionRequest } from "@aigateway/protocol";
import { GatewayError } from "@aigateway/protocol";
import { defaultMaxTokens, toAnthropicRequest } from "./to-anthropic-request.ts";

const target = { slug: "anthropic/claude-test", upstreamModel: "claude-test-1", maxOutputTokens: 64000 };

function translate(request: Partial<ChatCompletionRequest>, over = target) {
  return toAnthropicRequest({ model: "anthropic/claude-test", messages: [], ...request }, over);
}

test("moves system and developer messages to system blocks, keeping cache_control", () => {
  const { body } = translate({
    messages: [
      { role: "system", content: "Be brief." },
      {
        role: "developer",
        content: [{ type: "text", text: "Long context", cache_control: { type: "ephemeral" } }],
      },
      { role: "user", content: "Hi" },
    ],
  });
  assert.deepEqual(body.system, [
    { type: "text", text: "Be brief." },
    { type: "text", text: "Long context", cache_control: { type: "ephemeral" } },
  ]);
  assert.deepEqual(body.messages, [{ role: "user", content: "Hi" }]);
  assert.equal(body.model, "claude-test-1");
});

test("turns data: image URLs into base64 sources, http URLs into url sources and PDFs into documents", () => {
  const { body } = translate({
    messages: [
      {
        role: "user",
        content: [
          { type: "text", text: "Look" },
          { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
          { type: "image_url", image_url: { url: "https://example.com/cat.jpg" } },
          { type: "file", file: { file_data: "data:application/pdf;base64,JVBERi0=", filename: "a.pdf" } },
        ],
      },
    ],
  });
  assert.deepEqual(body.messages[0]?.content, [
    { type: "text", text: "Look" },
    { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
    { type: "image", source: { type: "url", url: "https://example.com/cat.jpg" } },
    { type: "document", source: { type: "base64", media_type: "application/pdf", data: "JVBERi0=" } },
  ]);
});

test("rejects audio input and malformed image URLs with a 400 naming the part", () => {
  assert.throws(
    () =>
      translate({
        messages: [
          { role: "user", content: [{ type: "input_audio", input_audio: { data: "", format: "wav" } }] },
        ],
      }),
    (error: unknown) =>
      error instanceof GatewayError && error.status === 400 && error.param === "messages[0].content[0]",
  );
  assert.throws(
    () =>
      translate({
        messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "ftp://x" } }] }],
      }),
    (error: unknown) => error instanceof GatewayError && error.status === 400,
  );
});

test("replays reasoning, text and tool calls in order and merges tool results into one user turn", () => {
  const { body } = translate({
    messages: [
      { role: "user", content: "Weather in Paris and Rome?" },
      {
        role: "assistant",
        content: "Checking.",
        reasoning_content: "Two cities.",
        reasoning_details: [
          { type: "reasoning.text", text: "Two ", format: "anthropic-claude-v1", index: 0 },
          {
            type: "reasoning.text",
            text: "cities.",
            signature: "sig",
            format: "anthropic-claude-v1",
            index: 0,
          },
          { type: "reasoning.encrypted", data: "opaque", format: "anthropic-claude-v1", index: 1 },
          {
            type: "reasoning.text",
            text: "other vendor",
            signature: "x",
            format: "google-gemini-v1",
            index: 2,
          },
        ],
        tool_calls: [
          { id: "toolu_1", type: "function", function: { name: "weather", arguments: '{"city":"Paris"}' } },
          { id: "toolu_2", type: "function", function: { name: "weather", arguments: "" } },
        ],
      },
      { role: "tool", tool_call_id: "toolu_1", content: "sunny" },
      { role: "tool", tool_call_id: "toolu_2", content: [{ type: "text", text: "rain" }] },
      { role: "user", content: "Thanks" },
    ],
  });
  assert.deepEqual(body.messages, [
    { role: "user", content: "Weather in Paris and Rome?" },
    {
      role: "assistant",
      content: [
        { type: "thinking", thinking: "Two cities.", signature: "sig" },
        { type: "redacted_thinking", data: "opaque" },
        { type: "text", text: "Checking." },
        { type: "tool_use", id: "toolu_1", name: "weather", input: { city: "Paris" } },
        { type: "tool_use", id: "toolu_2", name: "weather", input: {} },
      ],
    },
    {
      role: "user",
      content: [
        { type: "tool_result", tool_use_id: "toolu_1", content: "sunny" },
        { type: "tool_result", tool_use_id: "toolu_2", content: [{ type: "text", text: "rain" }] },
        { type: "text", text: "Thanks" },
      ],
    },
  ]);
});

test("rejects tool-call arguments that are not a JSON object", () => {
  assert.throws(
    () =>
      translate({
        messages: [
          {
            role: "assistant",
            content: null,
            tool_calls: [{ id: "t", type: "function", function: { name: "f", arguments: "[1" } }],
          },
        ],
      }),
    (error: unknown) =>
      error instanceof GatewayError && error.param === "messages[0].tool_calls[0].function.arguments",
  );
});

test("passes cache_control on messages, tool results and tools through", () => {
  const { body } = translate({
    messages: [
      { role: "user", content: "Big document", cache_control: { type: "ephemeral", ttl: "1h" } },
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "t", type: "function", function: { name: "f", arguments: "{}" } }],
      },
      { role: "tool", tool_call_id: "t", content: "ok", cache_control: { type: "ephemeral" } },
    ],
    tools: [
      {
        type: "function",
        function: { name: "f", parameters: { type: "object" } },
        cache_control: { type: "ephemeral" },
      },
    ],
  });
  assert.deepEqual(body.messages[0]?.content, [
    { type: "text", text: "Big document", cache_control: { type: "ephemeral", ttl: "1h" } },
  ]);
  assert.deepEqual(body.messages[2]?.content, [
    { type: "tool_result", tool_use_id: "t", content: "ok", cache_control: { type: "ephemeral" } },
  ]);
  assert.deepEqual(body.tools, [
    { name: "f", input_schema: { type: "object" }, cache_control: { type: "ephemeral" } },
  ]);
});

test("maps tools, every tool_choice form and parallel_tool_calls:false", () => {
  const tools = [
    {
      type: "function",
      function: { name: "f", description: "does f", parameters: { type: "object", properties: {} } },
    },
  ];
  assert.deepEqual(translate({ tools }).body.tools, [
    { name: "f", description: "does f", input_schema: { type: "object", properties: {} } },
  ]);
  assert.deepEqual(translate({ tools, tool_choice: "auto" }).body.tool_choice, { type: "auto" });
  assert.deepEqual(translate({ tools, tool_choice: "none" }).body.tool_choice, { type: "none" });
  assert.deepEqual(translate({ tools, tool_choice: "required" }).body.tool_choice, { type: "any" });
  assert.deepEqual(
    translate({ tools, tool_choice: { type: "function", function: { name: "f" } } }).body.tool_choice,
    { type: "tool", name: "f" },
  );
  assert.deepEqual(translate({ tools, parallel_tool_calls: false }).body.tool_choice, {
    type: "auto",
    disable_parallel_tool_use: true,
  });
  assert.equal(translate({ tool_choice: "auto" }).body.tool_choice, undefined);
});

test("max_tokens: the client's, else the model's output limit, else the documented default", () => {
  assert.equal(translate({ max_tokens: 100 }).body.max_tokens, 100);
  assert.equal(translate({ max_completion_tokens: 200 }).body.max_tokens, 200);
  assert.equal(translate({}).body.max_tokens, 64000);
  assert.equal(
    translate({}, { slug: "s", upstreamModel: "m", maxOutputTokens: 0 }).body.max_tokens,
    defaultMaxTokens,
  );
});

test("maps stop, temperature, top_p, top_k and user", () => {
  const { body, dropped } = translate({ stop: "END", temperature: 0.2, top_p: 0.9, top_k: 5, user: "u-1" });
  assert.deepEqual(body.stop_sequences, ["END"]);
  assert.equal(body.temperature, 0.2);
  assert.equal(body.top_p, 0.9);
  assert.equal(body.top_k, 5);
  assert.deepEqual(body.metadata, { user_id: "u-1" });
  assert.deepEqual(dropped, []);
  assert.deepEqual(translate({ stop: ["a", "b"] }).body.stop_sequences, ["a", "b"]);
});

test("reports fields Anthropic cannot express, but not OpenAI's neutral defaults", () => {
  const { body, dropped } = translate({
    n: 1,
    logprobs: false,
    seed: 7,
    presence_penalty: 0.5,
    frequency_penalty: 0.1,
    logit_bias: {},
  });
  assert.deepEqual(dropped, ["seed", "presence_penalty", "frequency_penalty", "logit_bias"]);
  assert.equal((body as unknown as Record<string, unknown>).seed, undefined);
  assert.deepEqual(translate({ n: 2 }).dropped, ["n"]);
});

test("reasoning_effort becomes a thinking budget below max_tokens; thinking drops what it forbids", () => {
  assert.deepEqual(translate({ reasoning_effort: "low" }).body.thinking, {
    type: "enabled",
    budget_tokens: 4096,
  });
  assert.deepEqual(translate({ reasoning_effort: "high", max_tokens: 8000 }).body.thinking, {
    type: "enabled",
    budget_tokens: 7999,
  });
  assert.equal(translate({ reasoning_effort: "none" }).body.thinking, undefined);
  const tooSmall = translate({ reasoning_effort: "medium", max_tokens: 1000 });
  assert.equal(tooSmall.body.thinking, undefined);
  assert.deepEqual(tooSmall.dropped, ["reasoning_effort"]);

  const tools = [{ type: "function", function: { name: "f" } }];
  const { body, dropped } = translate({
    reasoning_effort: "medium",
    temperature: 0.3,
    top_p: 0.5,
    top_k: 3,
    tools,
    tool_choice: "required",
  });
  assert.equal(body.temperature, undefined);
  assert.equal(body.top_p, undefined);
  assert.equal(body.top_k, undefined);
  assert.deepEqual(body.tool_choice, { type: "auto" });
  assert.deepEqual(dropped, ["temperature", "top_p", "top_k", "tool_choice"]);
});

test("a native thinking object passes through unchanged", () => {
  const thinking = { type: "enabled", budget_tokens: 3000 };
  assert.deepEqual(translate({ thinking, reasoning_effort: "high" }).body.thinking, thinking);
});

test("json_schema is a forced tool, or output_config.format while thinking", () => {
  const schema = { type: "object", properties: { a: { type: "string" } }, required: ["a"] };
  const response_format = { type: "json_schema", json_schema: { name: "answer", schema } };
  const forced = translate({ response_format }).body;
  assert.deepEqual(forced.tools, [
    { name: "json", description: "Respond with a JSON object.", input_schema: schema },
  ]);
  assert.deepEqual(forced.tool_choice, { type: "tool", name: "json" });

  const withClientTools = translate({
    response_format,
    tools: [{ type: "function", function: { name: "json" } }],
  }).body;
  assert.deepEqual(
    withClientTools.tools?.map((tool) => tool.name),
    ["json", "json_response"],
  );
  assert.deepEqual(withClientTools.tool_choice, { type: "any" });

  const thinking = translate({ response_format, reasoning_effort: "low" });
  assert.equal(thinking.body.tools, undefined);
  assert.deepEqual(thinking.body.output_config, { format: { type: "json_schema", schema } });

  const jsonObject = translate({ response_format: { type: "json_object" } }).body;
  assert.deepEqual(jsonObject.tools?.[0]?.input_schema, { type: "object" });
  assert.deepEqual(translate({ response_format: { type: "json_object" }, reasoning_effort: "low" }).dropped, [
    "response_format",
  ]);
});
