import { test } from "node:test";
import assert from "node:assert/strict";
import type { ChatCompletionRequest, ChatMessage } from "@aigateway/protocol";
import { GatewayError } from "@aigateway/protocol";
import { toConverseRequest } from "./to-converse-request.ts";

const claude = "us.anthropic.claude-3-7-sonnet-20250219-v1:0";
const nova = "us.amazon.nova-micro-v1:0";
const request = (
  messages: ChatMessage[],
  extra: Partial<ChatCompletionRequest> = {},
): ChatCompletionRequest => ({
  model: "lab/model",
  messages,
  ...extra,
});

test("moves system and developer messages to system blocks and sends only what was set", () => {
  const body = toConverseRequest(
    request([
      { role: "system", content: "You are a chatbot." },
      { role: "developer", content: [{ type: "text", text: "Be brief." }] },
      { role: "user", content: "Hello!" },
    ]),
    nova,
  );
  assert.deepEqual(body, {
    system: [{ text: "You are a chatbot." }, { text: "Be brief." }],
    messages: [{ role: "user", content: [{ text: "Hello!" }] }],
  });
});

test("maps max_tokens, temperature, top_p and stop to inferenceConfig", () => {
  const body = toConverseRequest(
    request([{ role: "user", content: "x" }], { max_tokens: 50, temperature: 0.7, top_p: 0.9, stop: "END" }),
    nova,
  );
  assert.deepEqual(body.inferenceConfig, {
    maxTokens: 50,
    temperature: 0.7,
    topP: 0.9,
    stopSequences: ["END"],
  });
});

test("sends data: URL images as bytes and refuses remote image URLs with a 400 naming the part", () => {
  const body = toConverseRequest(
    request([
      {
        role: "user",
        content: [
          { type: "text", text: "What is this?" },
          { type: "image_url", image_url: { url: "data:image/jpeg;base64,/9j/4AAQ" } },
        ],
      },
    ]),
    nova,
  );
  assert.deepEqual(body.messages[0]?.content, [
    { text: "What is this?" },
    { image: { format: "jpeg", source: { bytes: "/9j/4AAQ" } } },
  ]);
  assert.throws(
    () =>
      toConverseRequest(
        request([
          { role: "user", content: [{ type: "image_url", image_url: { url: "https://x/cat.png" } }] },
        ]),
        nova,
      ),
    (error: unknown) =>
      error instanceof GatewayError &&
      error.status === 400 &&
      error.param === "messages[0].content[0].image_url" &&
      /data: URL/.test(error.message),
  );
});

test("sends tools with their schema and maps every tool_choice", () => {
  const tools = [
    {
      type: "function",
      function: {
        name: "get_weather",
        description: "Get the current weather for a location",
        parameters: { type: "object", properties: { location: { type: "string" } }, required: ["location"] },
      },
    },
  ];
  const messages: ChatMessage[] = [{ role: "user", content: "Weather?" }];
  const choices: [unknown, unknown][] = [
    [undefined, undefined],
    ["auto", { auto: {} }],
    ["required", { any: {} }],
    [{ type: "function", function: { name: "get_weather" } }, { tool: { name: "get_weather" } }],
  ];
  for (const [choice, expected] of choices) {
    const body = toConverseRequest(request(messages, { tools, tool_choice: choice }), claude);
    assert.deepEqual(body.toolConfig?.tools, [
      {
        toolSpec: {
          name: "get_weather",
          description: "Get the current weather for a location",
          inputSchema: { json: tools[0]?.function.parameters },
        },
      },
    ]);
    assert.deepEqual(body.toolConfig?.toolChoice, expected);
  }
  assert.equal(
    toConverseRequest(request(messages, { tools, tool_choice: "none" }), claude).toolConfig,
    undefined,
  );
});

test("replays tool calls and signed reasoning, and merges consecutive tool results into one user turn", () => {
  const body = toConverseRequest(
    request([
      { role: "user", content: "Weather in two cities?" },
      {
        role: "assistant",
        content: "Checking.",
        reasoning_content: "I need two calls.",
        reasoning_details: [
          { type: "reasoning.text", text: "I need ", format: "anthropic-claude-v1", index: 0 },
          { type: "reasoning.text", text: "two calls.", format: "anthropic-claude-v1", index: 0 },
          { type: "reasoning.text", text: "", signature: "sig-1", format: "anthropic-claude-v1", index: 0 },
          { type: "reasoning.encrypted", data: "cmVkYWN0ZWQ=", format: "anthropic-claude-v1", index: 1 },
          { type: "reasoning.text", text: "not ours", format: "google-gemini-v1" },
        ],
        tool_calls: [
          { id: "t1", type: "function", function: { name: "weather", arguments: '{"city":"Paris"}' } },
          { id: "t2", type: "function", function: { name: "weather", arguments: "" } },
        ],
      },
      { role: "tool", tool_call_id: "t1", content: "Sunny" },
      { role: "tool", tool_call_id: "t2", content: [{ type: "text", text: "Rain" }] },
      { role: "user", content: "Thanks" },
    ]),
    claude,
  );
  assert.deepEqual(body.messages, [
    { role: "user", content: [{ text: "Weather in two cities?" }] },
    {
      role: "assistant",
      content: [
        { reasoningContent: { reasoningText: { text: "I need two calls.", signature: "sig-1" } } },
        { reasoningContent: { redactedContent: "cmVkYWN0ZWQ=" } },
        { text: "Checking." },
        { toolUse: { toolUseId: "t1", name: "weather", input: { city: "Paris" } } },
        { toolUse: { toolUseId: "t2", name: "weather", input: {} } },
      ],
    },
    {
      role: "user",
      content: [
        { toolResult: { toolUseId: "t1", content: [{ text: "Sunny" }] } },
        { toolResult: { toolUseId: "t2", content: [{ text: "Rain" }] } },
        { text: "Thanks" },
      ],
    },
  ]);
});

test("refuses tool arguments that are not JSON and tool messages without their call id", () => {
  const call = { id: "t1", type: "function" as const, function: { name: "f", arguments: "{oops" } };
  assert.throws(
    () => toConverseRequest(request([{ role: "assistant", tool_calls: [call] }]), nova),
    (error: unknown) =>
      error instanceof GatewayError && error.param === "messages[0].tool_calls[0].function.arguments",
  );
  assert.throws(
    () => toConverseRequest(request([{ role: "tool", content: "x" }]), nova),
    (error: unknown) => error instanceof GatewayError && error.param === "messages[0].tool_call_id",
  );
});

test("turns reasoning_effort into Claude's thinking budget, leaving room for the answer", () => {
  const messages: ChatMessage[] = [{ role: "user", content: "x" }];
  const high = toConverseRequest(request(messages, { reasoning_effort: "high" }), claude);
  assert.deepEqual(high.additionalModelRequestFields, {
    thinking: { type: "enabled", budget_tokens: 16384 },
  });
  assert.equal(high.inferenceConfig?.maxTokens, 16384 + 4096);
  const capped = toConverseRequest(request(messages, { reasoning_effort: "high", max_tokens: 3000 }), claude);
  assert.deepEqual(capped.additionalModelRequestFields, {
    thinking: { type: "enabled", budget_tokens: 2999 },
  });
  const withinModel = toConverseRequest(request(messages, { reasoning_effort: "high" }), claude, 8192);
  assert.equal(withinModel.inferenceConfig?.maxTokens, 8192);
  assert.throws(
    () => toConverseRequest(request(messages, { reasoning_effort: "low", max_tokens: 500 }), claude),
    (error: unknown) => error instanceof GatewayError && error.param === "max_tokens",
  );
  assert.equal(
    toConverseRequest(request(messages, { reasoning_effort: "high" }), nova).additionalModelRequestFields,
    undefined,
  );
});

test("sends a json_schema response_format as outputConfig with the schema as a string", () => {
  const schema = { type: "object", properties: { a: { type: "string" } }, additionalProperties: false };
  const body = toConverseRequest(
    request([{ role: "user", content: "x" }], {
      response_format: { type: "json_schema", json_schema: { name: "answer", schema, strict: true } },
    }),
    claude,
  );
  assert.deepEqual(body.outputConfig, {
    textFormat: {
      type: "json_schema",
      structure: { jsonSchema: { schema: JSON.stringify(schema), name: "answer" } },
    },
  });
});
