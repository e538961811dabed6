import { test } from "node:test";
import assert from "node:assert/strict";
import type { ChatCompletionRequest } from "@aigateway/protocol";
import { GatewayError } from "@aigateway/protocol";
import { toCohereChatBody } from "./to-cohere-chat-body.ts";

const weatherTool = {
  type: "function",
  function: { name: "weather", description: "Weather in a city", parameters: { type: "object" } },
};
const timeTool = { type: "function", function: { name: "time" } };

function translate(request: Partial<ChatCompletionRequest>) {
  return toCohereChatBody(
    { model: "cohere/command", messages: [{ role: "user", content: "hi" }], ...request },
    "command-a",
  );
}

test("translates messages: developer → system, images, tool plan, thinking and tool results", () => {
  const { body } = translate({
    messages: [
      { role: "developer", content: "Be brief." },
      {
        role: "user",
        content: [
          { type: "text", text: "What is this?" },
          { type: "image_url", image_url: { url: "data:image/png;base64,AAAA", detail: "low" } },
        ],
      },
      {
        role: "assistant",
        content: "I will look up the weather.",
        reasoning_content: "The user wants weather.",
        tool_calls: [{ id: "call_1", type: "function", function: { name: "weather", arguments: "" } }],
      },
      { role: "tool", tool_call_id: "call_1", content: '{"temp":21}' },
      { role: "assistant", content: [{ type: "text", text: "It is 21°C." }] },
    ],
  });
  assert.deepEqual(body.messages, [
    { role: "system", content: "Be brief." },
    {
      role: "user",
      content: [
        { type: "text", text: "What is this?" },
        { type: "image_url", image_url: { url: "data:image/png;base64,AAAA", detail: "low" } },
      ],
    },
    {
      role: "assistant",
      content: [{ type: "thinking", thinking: "The user wants weather." }],
      tool_plan: "I will look up the weather.",
      tool_calls: [{ id: "call_1", type: "function", function: { name: "weather", arguments: "{}" } }],
    },
    { role: "tool", tool_call_id: "call_1", content: '{"temp":21}' },
    { role: "assistant", content: [{ type: "text", text: "It is 21°C." }] },
  ]);
  assert.equal(body.model, "command-a");
  assert.equal(body.stream, false);
});

test("maps sampling, stop, JSON schema and reasoning effort to Cohere's names", () => {
  const { body, droppedParameters } = translate({
    stream: true,
    stream_options: { include_usage: true },
    max_completion_tokens: 300,
    temperature: 0.2,
    top_p: 0.9,
    top_k: 40,
    seed: 7,
    stop: "END",
    frequency_penalty: 0.1,
    response_format: {
      type: "json_schema",
      json_schema: { name: "answer", schema: { type: "object", properties: { a: { type: "string" } } } },
    },
    reasoning_effort: "low",
  });
  assert.deepEqual(droppedParameters, []);
  assert.equal(body.stream, true);
  assert.equal(body.max_tokens, 300);
  assert.equal(body.temperature, 0.2);
  assert.equal(body.p, 0.9);
  assert.equal(body.k, 40);
  assert.equal(body.seed, 7);
  assert.deepEqual(body.stop_sequences, ["END"]);
  assert.equal(body.frequency_penalty, 0.1);
  assert.deepEqual(body.response_format, {
    type: "json_object",
    json_schema: { type: "object", properties: { a: { type: "string" } } },
  });
  assert.deepEqual(body.thinking, { type: "enabled", token_budget: 2048 });
  assert.deepEqual(translate({ reasoning_effort: "none" }).body.thinking, { type: "disabled" });
  assert.deepEqual(translate({ response_format: { type: "json_object" } }).body.response_format, {
    type: "json_object",
  });
  assert.equal(translate({ response_format: { type: "text" } }).body.response_format, undefined);
});

test("maps tools and tool_choice, narrowing a named choice to that one tool", () => {
  assert.deepEqual(translate({ tools: [weatherTool] }).body.tools, [
    {
      type: "function",
      function: { name: "weather", description: "Weather in a city", parameters: { type: "object" } },
    },
  ]);
  assert.equal(translate({ tools: [weatherTool], tool_choice: "auto" }).body.tool_choice, undefined);
  assert.equal(translate({ tools: [weatherTool], tool_choice: "required" }).body.tool_choice, "REQUIRED");
  assert.equal(translate({ tools: [weatherTool], tool_choice: "none" }).body.tool_choice, "NONE");
  const named = translate({
    tools: [weatherTool, timeTool],
    tool_choice: { type: "function", function: { name: "time" } },
  }).body;
  assert.equal(named.tool_choice, "REQUIRED");
  assert.deepEqual(named.tools, [
    { type: "function", function: { name: "time", parameters: { type: "object", properties: {} } } },
  ]);
  assert.throws(
    () => translate({ tools: [weatherTool], tool_choice: { type: "function", function: { name: "nope" } } }),
    (error: unknown) =>
      error instanceof GatewayError && error.status === 400 && error.param === "tool_choice",
  );
  const strict = {
    type: "function",
    function: { name: "weather", parameters: { type: "object" }, strict: true },
  };
  assert.equal(translate({ tools: [strict] }).body.strict_tools, true);
  assert.equal(translate({ tools: [strict, timeTool] }).body.strict_tools, undefined);
});

test("reports what Cohere cannot express instead of dropping it silently", () => {
  const { body, droppedParameters } = translate({
    n: 2,
    logit_bias: { "1": 2 },
    parallel_tool_calls: false,
    user: "u-1",
    logprobs: true,
    documents: [{ data: { text: "AI helps." } }],
  });
  assert.deepEqual(droppedParameters.sort(), ["logit_bias", "logprobs", "n", "parallel_tool_calls", "user"]);
  assert.equal(body.logit_bias, undefined);
  // Cohere's own RAG input passes through for clients that know it.
  assert.deepEqual(body.documents, [{ data: { text: "AI helps." } }]);
  assert.deepEqual(translate({ n: 1, parallel_tool_calls: true }).droppedParameters, []);
});

test("rejects content Cohere cannot take with a 400 naming the part", () => {
  assert.throws(
    () =>
      translate({
        messages: [
          { role: "user", content: [{ type: "input_audio", input_audio: { data: "", format: "wav" } }] },
        ],
      }),
    (error: unknown) =>
      error instanceof GatewayError && error.status === 400 && error.param === "messages[0].content[0].type",
  );
  assert.throws(
    () => translate({ messages: [{ role: "tool", content: "x" }] }),
    (error: unknown) => error instanceof GatewayError && error.param === "messages[0].tool_call_id",
  );
});
