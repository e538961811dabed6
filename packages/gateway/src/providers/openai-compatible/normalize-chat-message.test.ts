import { test } from "node:test";
import assert from "node:assert/strict";
import { moveThinkingPartsToReasoning, renameReasoningField } from "./normalize-chat-message.ts";

const thinking = (text: string) => ({ type: "thinking", thinking: [{ type: "text", text }] });

test("renames Groq's and OpenRouter's `reasoning` to reasoning_content", () => {
  const message: Record<string, unknown> = { role: "assistant", content: "4", reasoning: "2+2" };
  assert.equal(renameReasoningField(message), true);
  assert.deepEqual(message, { role: "assistant", content: "4", reasoning_content: "2+2" });
});

test("moves Mistral's thinking chunks to reasoning_content and joins the text chunks", () => {
  const message: Record<string, unknown> = {
    role: "assistant",
    content: [thinking("The user asks 2+2."), thinking(" It is 4."), { type: "text", text: "2 + 2 = 4" }],
  };
  assert.equal(moveThinkingPartsToReasoning(message, "message"), true);
  assert.deepEqual(message, {
    role: "assistant",
    content: "2 + 2 = 4",
    reasoning_content: "The user asks 2+2. It is 4.",
  });
});

test("a delta with only thinking loses content; a message with only thinking has content null", () => {
  const delta: Record<string, unknown> = { role: "assistant", content: [thinking("Hmm")] };
  moveThinkingPartsToReasoning(delta, "delta");
  assert.deepEqual(delta, { role: "assistant", reasoning_content: "Hmm" });
  const message: Record<string, unknown> = { role: "assistant", content: [thinking("Hmm")] };
  moveThinkingPartsToReasoning(message, "message");
  assert.deepEqual(message, { role: "assistant", content: null, reasoning_content: "Hmm" });
});

test("turns a list of text chunks into a string and leaves strings and other chunk kinds alone", () => {
  const delta: Record<string, unknown> = {
    content: [
      { type: "text", text: "a" },
      { type: "text", text: "b" },
    ],
  };
  assert.equal(moveThinkingPartsToReasoning(delta, "delta"), true);
  assert.deepEqual(delta, { content: "ab" });

  const plain: Record<string, unknown> = { content: "already a string" };
  assert.equal(moveThinkingPartsToReasoning(plain, "delta"), false);

  const reference = { type: "reference", reference_ids: [1] };
  const cited: Record<string, unknown> = { content: [{ type: "text", text: "a" }, reference] };
  assert.equal(moveThinkingPartsToReasoning(cited, "message"), false);
  assert.deepEqual(cited.content, [{ type: "text", text: "a" }, reference]);

  const mixed: Record<string, unknown> = {
    content: [thinking("why"), { type: "text", text: "a" }, reference],
  };
  assert.equal(moveThinkingPartsToReasoning(mixed, "message"), true);
  assert.deepEqual(mixed, { content: [{ type: "text", text: "a" }, reference], reasoning_content: "why" });
});
