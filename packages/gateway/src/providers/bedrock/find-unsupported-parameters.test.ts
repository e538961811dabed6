import { test } from "node:test";
import assert from "node:assert/strict";
import { findUnsupportedParameters } from "./find-unsupported-parameters.ts";

const messages = [{ role: "user" as const, content: "x" }];

test("reports what Converse cannot express, but not values that change nothing", () => {
  assert.deepEqual(
    findUnsupportedParameters(
      {
        model: "m",
        messages,
        seed: 1,
        frequency_penalty: 0.5,
        presence_penalty: 0,
        user: "u",
        n: 2,
        logprobs: false,
      },
      "us.amazon.nova-micro-v1:0",
    ),
    ["frequency_penalty", "seed", "user", "n"],
  );
});

test("reports reasoning_effort on models other than Claude, json_object and tool_choice none with tool turns", () => {
  const toolTurns = [
    ...messages,
    {
      role: "assistant" as const,
      tool_calls: [{ id: "t", type: "function" as const, function: { name: "f", arguments: "{}" } }],
    },
    { role: "tool" as const, tool_call_id: "t", content: "ok" },
  ];
  assert.deepEqual(
    findUnsupportedParameters(
      {
        model: "m",
        messages: toolTurns,
        reasoning_effort: "low",
        response_format: { type: "json_object" },
        tool_choice: "none",
      },
      "us.amazon.nova-micro-v1:0",
    ),
    ["response_format", "tool_choice", "reasoning_effort"],
  );
  assert.deepEqual(
    findUnsupportedParameters(
      { model: "m", messages, reasoning_effort: "low", tool_choice: "none" },
      "us.anthropic.claude-sonnet-4-20250514-v1:0",
    ),
    [],
  );
});
