import { test } from "node:test";
import assert from "node:assert/strict";
import type { ChatMessage } from "@aigateway/protocol";
import { replayReasoningAsThinkingParts } from "./replay-reasoning-as-thinking-parts.ts";

test("sends an assistant turn's reasoning back as a Mistral thinking chunk before its text", () => {
  const messages: ChatMessage[] = [
    { role: "user", content: "2+2?" },
    {
      role: "assistant",
      content: "2 + 2 = 4",
      reasoning_content: "Basic arithmetic.",
      reasoning_details: [{ type: "reasoning.text", text: "Basic arithmetic.", signature: "sig" }],
    },
    { role: "user", content: "and 3+3?" },
  ];
  const original = structuredClone(messages);
  const replayed = replayReasoningAsThinkingParts(messages);
  assert.deepEqual(replayed, [
    { role: "user", content: "2+2?" },
    {
      role: "assistant",
      content: [
        { type: "thinking", thinking: [{ type: "text", text: "Basic arithmetic." }] },
        { type: "text", text: "2 + 2 = 4" },
      ],
    },
    { role: "user", content: "and 3+3?" },
  ]);
  assert.deepEqual(messages, original, "the caller's messages are untouched");
});

test("keeps tool calls, drops empty reasoning and returns the same array when there is none", () => {
  const call = { id: "c1", type: "function" as const, function: { name: "f", arguments: "{}" } };
  const replayed = replayReasoningAsThinkingParts([
    { role: "assistant", content: null, reasoning_content: "Call f.", tool_calls: [call] },
    { role: "assistant", content: "ok", reasoning_content: "", reasoning: "raw" },
  ]);
  assert.deepEqual(replayed, [
    {
      role: "assistant",
      content: [{ type: "thinking", thinking: [{ type: "text", text: "Call f." }] }],
      tool_calls: [call],
    },
    { role: "assistant", content: "ok" },
  ]);
  const plain: ChatMessage[] = [{ role: "user", content: "hi" }];
  assert.equal(replayReasoningAsThinkingParts(plain), plain);
});
