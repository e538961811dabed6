import { test } from "node:test";
import assert from "node:assert/strict";
import type { ChatCompletionRequest } from "@aigateway/protocol";
import { GatewayError } from "@aigateway/protocol";
import { skippedThoughtSignature } from "./to-gemini-contents.ts";
import { toGeminiRequest } from "./to-gemini-request.ts";
import { toGeminiThinkingConfig } from "./to-gemini-thinking-config.ts";
import { listGeminiUnsupportedParameters } from "./list-gemini-unsupported-parameters.ts";

const base = (extra: Partial<ChatCompletionRequest>): ChatCompletionRequest => ({
  model: "google/gemini",
  messages: [{ role: "user", content: "Hi" }],
  ...extra,
});

test("system and developer messages become systemInstruction; user/assistant become user/model", () => {
  const body = toGeminiRequest(
    base({
      messages: [
        { role: "system", content: "Be brief." },
        { role: "developer", content: [{ type: "text", text: "Use French." }] },
        { role: "user", content: "Hello" },
        { role: "assistant", content: "Bonjour" },
        { role: "user", content: "Again" },
      ],
    }),
    "gemini-2.5-flash",
  );
  assert.deepEqual(body.systemInstruction, { parts: [{ text: "Be brief." }, { text: "Use French." }] });
  assert.deepEqual(body.contents, [
    { role: "user", parts: [{ text: "Hello" }] },
    { role: "model", parts: [{ text: "Bonjour" }] },
    { role: "user", parts: [{ text: "Again" }] },
  ]);
  assert.equal(body.generationConfig, undefined);
});

test("images: data URLs go inline, http URLs as fileData with a guessed type, else a 400", () => {
  const body = toGeminiRequest(
    base({
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "Compare" },
            { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
            { type: "image_url", image_url: { url: "https://example.com/cat.JPG?size=2" } },
          ],
        },
      ],
    }),
    "gemini-2.5-flash",
  );
  assert.deepEqual(body.contents[0]?.parts, [
    { text: "Compare" },
    { inlineData: { mimeType: "image/png", data: "iVBORw0KGgo=" } },
    { fileData: { mimeType: "image/jpeg", fileUri: "https://example.com/cat.JPG?size=2" } },
  ]);
  assert.throws(
    () =>
      toGeminiRequest(
        base({
          messages: [
            { role: "user", content: [{ type: "image_url", image_url: { url: "https://example.com/img" } }] },
          ],
        }),
        "gemini-2.5-flash",
      ),
    (error: unknown) =>
      error instanceof GatewayError &&
      error.status === 400 &&
      error.param === "messages[0].content[0].image_url.url",
  );
});

test("tools, tool_choice and generation parameters map to Gemini's names", () => {
  const body = toGeminiRequest(
    base({
      tools: [
        {
          type: "function",
          function: {
            name: "get_weather",
            description: "Weather",
            parameters: {
              type: "object",
              properties: { city: { type: "string" } },
              additionalProperties: false,
            },
          },
        },
        { type: "function", function: { name: "now", parameters: { type: "object", properties: {} } } },
      ],
      tool_choice: { type: "function", function: { name: "get_weather" } },
      max_tokens: 100,
      temperature: 0.2,
      top_p: 0.9,
      seed: 7,
      n: 2,
      stop: "END",
      presence_penalty: 0.5,
      response_format: {
        type: "json_schema",
        json_schema: { name: "a", schema: { type: "object", properties: { a: { type: "string" } } } },
      },
    }),
    "gemini-2.5-flash",
  );
  assert.deepEqual(body.tools, [
    {
      functionDeclarations: [
        {
          name: "get_weather",
          description: "Weather",
          parameters: { type: "OBJECT", properties: { city: { type: "STRING" } } },
        },
        { name: "now" },
      ],
    },
  ]);
  assert.deepEqual(body.toolConfig, {
    functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["get_weather"] },
  });
  assert.deepEqual(body.generationConfig, {
    maxOutputTokens: 100,
    temperature: 0.2,
    topP: 0.9,
    seed: 7,
    candidateCount: 2,
    presencePenalty: 0.5,
    stopSequences: ["END"],
    responseMimeType: "application/json",
    responseSchema: { type: "OBJECT", properties: { a: { type: "STRING" } } },
  });
  const modes = (["auto", "none", "required"] as const).map(
    (choice) =>
      toGeminiRequest(
        base({ tools: [{ type: "function", function: { name: "f" } }], tool_choice: choice }),
        "m",
      ).toolConfig?.functionCallingConfig.mode,
  );
  assert.deepEqual(modes, ["AUTO", "NONE", "ANY"]);
  const jsonSchemaMode = toGeminiRequest(
    base({
      tools: [
        { type: "function", function: { name: "f", parameters: { type: "object", properties: { a: {} } } } },
      ],
      response_format: { type: "json_object" },
    }),
    "gemini-2.5-flash",
    "json-schema",
  );
  assert.deepEqual(jsonSchemaMode.tools?.[0]?.functionDeclarations[0]?.parametersJsonSchema, {
    type: "object",
    properties: { a: {} },
  });
  assert.deepEqual(jsonSchemaMode.generationConfig, { responseMimeType: "application/json" });
});

test("assistant tool calls become functionCall parts and tool results functionResponse parts named by id", () => {
  const body = toGeminiRequest(
    base({
      messages: [
        { role: "user", content: "Weather in Paris and Rome?" },
        {
          role: "assistant",
          content: null,
          tool_calls: [
            {
              id: "call_a",
              type: "function",
              function: { name: "get_weather", arguments: '{"city":"Paris"}' },
            },
            { id: "call_b", type: "function", function: { name: "get_time", arguments: "" } },
          ],
        },
        { role: "tool", tool_call_id: "call_a", content: '{"temp":21}' },
        { role: "tool", tool_call_id: "call_b", content: "noon" },
      ],
    }),
    "gemini-2.0-flash",
  );
  assert.deepEqual(body.contents.slice(1), [
    {
      role: "model",
      parts: [
        { functionCall: { name: "get_weather", args: { city: "Paris" }, id: "call_a" } },
        { functionCall: { name: "get_time", args: {}, id: "call_b" } },
      ],
    },
    {
      role: "user",
      parts: [
        { functionResponse: { name: "get_weather", id: "call_a", response: { temp: 21 } } },
        { functionResponse: { name: "get_time", id: "call_b", response: { result: "noon" } } },
      ],
    },
  ]);
  assert.throws(
    () => toGeminiRequest(base({ messages: [{ role: "tool", tool_call_id: "nope", content: "x" }] }), "m"),
    (error: unknown) => error instanceof GatewayError && error.param === "messages[0].tool_call_id",
  );
  assert.throws(
    () =>
      toGeminiRequest(
        base({
          messages: [
            { role: "user", content: "x" },
            {
              role: "assistant",
              tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "{oops" } }],
            },
          ],
        }),
        "m",
      ),
    (error: unknown) =>
      error instanceof GatewayError && error.param === "messages[1].tool_calls[0].function.arguments",
  );
});

test("replays thought text and signatures onto the parts they came from", () => {
  const body = toGeminiRequest(
    base({
      messages: [
        { role: "user", content: "Go" },
        {
          role: "assistant",
          content: "Answer",
          reasoning_content: "thinking…",
          reasoning_details: [
            { type: "reasoning.text", text: "thinking…", format: "google-gemini-v1", index: 0 },
            { type: "reasoning.encrypted", data: "SIG_TEXT", format: "google-gemini-v1", index: 1 },
            {
              type: "reasoning.encrypted",
              data: "SIG_CALL",
              format: "google-gemini-v1",
              index: 2,
              id: "call_1",
            },
            { type: "reasoning.text", text: "not ours", signature: "x", format: "anthropic-claude-v1" },
          ],
          tool_calls: [{ id: "call_1", type: "function", function: { name: "f", arguments: "{}" } }],
        },
        { role: "tool", tool_call_id: "call_1", content: "{}" },
      ],
    }),
    "gemini-3-pro-preview",
  );
  assert.deepEqual(body.contents[1]?.parts, [
    { text: "thinking…", thought: true },
    { text: "Answer", thoughtSignature: "SIG_TEXT" },
    { functionCall: { name: "f", args: {}, id: "call_1" }, thoughtSignature: "SIG_CALL" },
  ]);
});

test("a Gemini 3 function call that lost its signature gets Google's documented placeholder", () => {
  const messages: ChatCompletionRequest["messages"] = [
    { role: "user", content: "Go" },
    {
      role: "assistant",
      tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{}" } }],
    },
    { role: "tool", tool_call_id: "c1", content: "ok" },
  ];
  const gemini3 = toGeminiRequest(base({ messages }), "gemini-3-flash-preview");
  assert.equal(gemini3.contents[1]?.parts[0]?.thoughtSignature, skippedThoughtSignature);
  const gemini25 = toGeminiRequest(base({ messages }), "gemini-2.5-flash");
  assert.equal(gemini25.contents[1]?.parts[0]?.thoughtSignature, undefined);
});

test("reasoning_effort becomes a thinking level on Gemini 3 and a budget on 2.5, with thoughts included", () => {
  assert.deepEqual(toGeminiThinkingConfig("low", "gemini-3-pro-preview"), {
    thinkingLevel: "low",
    includeThoughts: true,
  });
  assert.deepEqual(toGeminiThinkingConfig("medium", "gemini-3-pro-preview").thinkingLevel, "high");
  assert.deepEqual(toGeminiThinkingConfig("none", "gemini-3-pro-preview").thinkingLevel, "low");
  assert.deepEqual(toGeminiThinkingConfig("medium", "gemini-3-flash-preview").thinkingLevel, "medium");
  assert.deepEqual(toGeminiThinkingConfig("none", "gemini-3-flash-preview"), {
    thinkingLevel: "minimal",
    includeThoughts: false,
  });
  assert.deepEqual(toGeminiThinkingConfig("high", "gemini-2.5-flash"), {
    thinkingBudget: 24_576,
    includeThoughts: true,
  });
  assert.deepEqual(toGeminiThinkingConfig("none", "gemini-2.5-flash"), {
    thinkingBudget: 0,
    includeThoughts: false,
  });
  const body = toGeminiRequest(base({ reasoning_effort: "medium" }), "gemini-2.5-pro");
  assert.deepEqual(body.generationConfig?.thinkingConfig, { thinkingBudget: 8_192, includeThoughts: true });
});

test("lists the fields Gemini cannot express, ignoring defaults", () => {
  const request = base({
    logit_bias: { "1": 2 },
    logprobs: true,
    user: "u1",
    parallel_tool_calls: true,
    temperature: 1,
    service_tier: null,
  });
  assert.deepEqual(listGeminiUnsupportedParameters(request), ["logit_bias", "logprobs", "user"]);
  assert.deepEqual(listGeminiUnsupportedParameters(base({ parallel_tool_calls: false })), [
    "parallel_tool_calls",
  ]);
});
