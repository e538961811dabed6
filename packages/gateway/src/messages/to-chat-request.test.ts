import { test } from "node:test";
import assert from "node:assert/strict";
import { GatewayError } from "@aigateway/protocol";
import type { MessagesRequest } from "./anthropic-messages-types.ts";
import { toChatRequest, toReasoningEffort } from "./to-chat-request.ts";

const base = { model: "claude-x", max_tokens: 100 } as const;

test("translates system blocks, text, images, sampling, stop sequences and metadata", () => {
  const request: MessagesRequest = {
    ...base,
    system: [
      { type: "text", text: "You are terse.", cache_control: { type: "ephemeral" } },
      { type: "text", text: "Answer in French." },
    ],
    messages: [
      {
        role: "user",
        content: [
          { type: "text", text: "What is this?" },
          { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
          { type: "image", source: { type: "url", url: "https://example.com/cat.jpg" } },
        ],
      },
    ],
    temperature: 0.5,
    top_p: 0.9,
    top_k: 40,
    stop_sequences: ["END"],
    metadata: { user_id: "user-7" },
  };
  const { request: chat, warnings } = toChatRequest(request, "openai/gpt-4o-mini");
  assert.equal(chat.model, "openai/gpt-4o-mini");
  assert.equal(chat.max_tokens, 100);
  assert.deepEqual(chat.messages[0], { role: "system", content: "You are terse.\nAnswer in French." });
  assert.deepEqual(chat.messages[1], {
    role: "user",
    content: [
      { type: "text", text: "What is this?" },
      { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
      { type: "image_url", image_url: { url: "https://example.com/cat.jpg" } },
    ],
  });
  assert.equal(chat.temperature, 0.5);
  assert.equal(chat.top_p, 0.9);
  assert.deepEqual(chat.stop, ["END"]);
  assert.equal(chat.user, "user-7");
  assert.equal(chat.top_k, undefined);
  assert.deepEqual(warnings, ["top_k"]);
});

test("turns tool_use into tool_calls and tool_result into tool messages placed right after", () => {
  const request: MessagesRequest = {
    ...base,
    tools: [
      { name: "get_weather", description: "Weather", input_schema: { type: "object", properties: {} } },
      { type: "web_search_20250305", name: "web_search" },
    ],
    tool_choice: { type: "any", disable_parallel_tool_use: true },
    messages: [
      { role: "user", content: "Weather in Paris and Rome?" },
      {
        role: "assistant",
        content: [
          { type: "text", text: "Checking." },
          { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } },
          { type: "tool_use", id: "toolu_2", name: "get_weather", input: { city: "Rome" } },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "toolu_1", content: "18C" },
          {
            type: "tool_result",
            tool_use_id: "toolu_2",
            is_error: true,
            content: [{ type: "text", text: "timeout" }],
          },
          { type: "text", text: "Summarise." },
        ],
      },
    ],
  };
  const { request: chat, warnings } = toChatRequest(request, "openai/gpt-4o");
  assert.deepEqual(chat.tools, [
    {
      type: "function",
      function: {
        name: "get_weather",
        description: "Weather",
        parameters: { type: "object", properties: {} },
      },
    },
  ]);
  assert.equal(chat.tool_choice, "required");
  assert.equal(chat.parallel_tool_calls, false);
  assert.deepEqual(warnings, ["tools of type 'web_search_20250305'"]);
  assert.deepEqual(chat.messages, [
    { role: "user", content: "Weather in Paris and Rome?" },
    {
      role: "assistant",
      content: "Checking.",
      tool_calls: [
        { id: "toolu_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
        { id: "toolu_2", type: "function", function: { name: "get_weather", arguments: '{"city":"Rome"}' } },
      ],
    },
    { role: "tool", tool_call_id: "toolu_1", content: "18C" },
    { role: "tool", tool_call_id: "toolu_2", content: "Error: timeout" },
    { role: "user", content: "Summarise." },
  ]);
});

test("maps tool_choice tool/auto/none", () => {
  const tools = [{ name: "f", input_schema: { type: "object" } }];
  const messages = [{ role: "user" as const, content: "hi" }];
  const named = toChatRequest({ ...base, messages, tools, tool_choice: { type: "tool", name: "f" } }, "m/x");
  assert.deepEqual(named.request.tool_choice, { type: "function", function: { name: "f" } });
  assert.equal(
    toChatRequest({ ...base, messages, tools, tool_choice: { type: "auto" } }, "m/x").request.tool_choice,
    "auto",
  );
  assert.equal(
    toChatRequest({ ...base, messages, tools, tool_choice: { type: "none" } }, "m/x").request.tool_choice,
    "none",
  );
});

test("replays thinking and redacted thinking as reasoning_content and reasoning_details", () => {
  const { request: chat } = toChatRequest(
    {
      ...base,
      messages: [
        { role: "user", content: "2+2?" },
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "Simple sum.", signature: "sig-abc" },
            { type: "redacted_thinking", data: "opaque" },
            { type: "text", text: "4" },
          ],
        },
        { role: "user", content: "And 3+3?" },
      ],
      thinking: { type: "enabled", budget_tokens: 8000 },
    },
    "anthropic/claude-sonnet-4.5",
  );
  assert.deepEqual(chat.messages[1], {
    role: "assistant",
    content: "4",
    reasoning_content: "Simple sum.",
    reasoning_details: [
      {
        type: "reasoning.text",
        text: "Simple sum.",
        signature: "sig-abc",
        format: "anthropic-claude-v1",
        index: 0,
      },
      { type: "reasoning.encrypted", data: "opaque", format: "anthropic-claude-v1", index: 1 },
    ],
  });
  assert.equal(chat.reasoning_effort, "medium");
});

test("maps thinking budgets and output_config effort onto reasoning_effort", () => {
  assert.equal(toReasoningEffort(1024), "low");
  assert.equal(toReasoningEffort(4096), "medium");
  assert.equal(toReasoningEffort(32000), "high");
  const messages = [{ role: "user" as const, content: "hi" }];
  const viaEffort = toChatRequest({ ...base, messages, output_config: { effort: "high" } }, "m/x");
  assert.equal(viaEffort.request.reasoning_effort, "high");
  const adaptive = toChatRequest({ ...base, messages, thinking: { type: "adaptive" } }, "m/x");
  assert.equal(adaptive.request.reasoning_effort, undefined);
});

test("maps structured output to a strict json_schema response_format", () => {
  const schema = { type: "object", properties: { answer: { type: "string" } }, required: ["answer"] };
  const messages = [{ role: "user" as const, content: "hi" }];
  const { request: chat } = toChatRequest(
    { ...base, messages, output_config: { format: { type: "json_schema", schema } } },
    "m/x",
  );
  assert.deepEqual(chat.response_format, {
    type: "json_schema",
    json_schema: { name: "output", schema, strict: true },
  });
  const beta = toChatRequest({ ...base, messages, output_format: { type: "json_schema", schema } }, "m/x");
  assert.deepEqual(beta.request.response_format, chat.response_format);
});

test("reports unknown top-level fields and server-tool blocks instead of dropping them silently", () => {
  const { warnings } = toChatRequest(
    {
      ...base,
      messages: [
        { role: "user", content: "hi" },
        {
          role: "assistant",
          content: [
            { type: "server_tool_use", id: "srvtoolu_1", name: "web_search", input: {} },
            { type: "text", text: "ok" },
          ],
        },
      ],
      context_management: { edits: [] },
      service_tier: "auto",
    },
    "m/x",
  );
  assert.deepEqual(warnings, ["server_tool_use content blocks", "context_management", "service_tier"]);
});

test("rejects blocks it cannot carry with a 400 naming the field", () => {
  assert.throws(
    () =>
      toChatRequest(
        { ...base, messages: [{ role: "user", content: [{ type: "search_result", source: "x" }] }] },
        "m/x",
      ),
    (error: unknown) =>
      error instanceof GatewayError && error.status === 400 && error.param === "messages.0.content.0.type",
  );
  assert.throws(
    () =>
      toChatRequest(
        {
          ...base,
          messages: [{ role: "user", content: [{ type: "image", source: { type: "file", file_id: "f" } }] }],
        },
        "m/x",
      ),
    (error: unknown) => error instanceof GatewayError && error.param === "messages.0.content.0.source",
  );
});

test("puts images from tool results in a user message after the tool messages", () => {
  const { request: chat } = toChatRequest(
    {
      ...base,
      messages: [
        {
          role: "user",
          content: [
            {
              type: "tool_result",
              tool_use_id: "toolu_9",
              content: [
                { type: "text", text: "screenshot:" },
                { type: "image", source: { type: "base64", media_type: "image/png", data: "AAAA" } },
              ],
            },
          ],
        },
      ],
    },
    "m/x",
  );
  assert.deepEqual(chat.messages, [
    { role: "tool", tool_call_id: "toolu_9", content: "screenshot:" },
    { role: "user", content: [{ type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } }] },
  ]);
});
