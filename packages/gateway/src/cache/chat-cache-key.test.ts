import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { computeChatCacheKey } from "./chat-cache-key.ts";

const messages = [{ role: "user" as const, content: "hi" }];

describe("computeChatCacheKey", () => {
  it("ignores fields that do not change the answer and field order", () => {
    const base = computeChatCacheKey("acct_1", { model: "openai/gpt-4o", messages, temperature: 0 });
    assert.equal(
      computeChatCacheKey("acct_1", {
        temperature: 0,
        messages,
        model: "OpenAI/GPT-4o",
        stream: true,
        user: "u",
      }),
      base,
    );
    assert.equal(
      computeChatCacheKey("acct_1", { model: "openai/gpt-4o", messages, temperature: 0, max_tokens: null }),
      base,
    );
  });

  it("treats max_tokens and max_completion_tokens alike", () => {
    assert.equal(
      computeChatCacheKey("a", { model: "m/x", messages, max_tokens: 5 }),
      computeChatCacheKey("a", { model: "m/x", messages, max_completion_tokens: 5 }),
    );
  });

  it("separates accounts and anything that changes the answer", () => {
    const base = computeChatCacheKey("acct_1", { model: "m/x", messages });
    assert.notEqual(computeChatCacheKey("acct_2", { model: "m/x", messages }), base);
    assert.notEqual(computeChatCacheKey("acct_1", { model: "m/x", messages, temperature: 1 }), base);
    assert.notEqual(computeChatCacheKey("acct_1", { model: "m/x", messages, unknown_field: 1 }), base);
    assert.ok(base.startsWith("cache:acct_1:chat:"));
  });
});
