import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest } from "@aigateway/protocol";
import type { ChatResult, ChatStreamItem } from "../provider-adapter.ts";
import { estimatePromptTokens, estimateTokens, readMessageText } from "../../chat/estimate-tokens.ts";
import type { TokenUsage } from "../../usage/token-usage.ts";

// The built-in `aigateway/echo` demo model: answers in-process with the last user message, so a new
// user can try the gateway, the SDKs and the CLI without any provider key. It is not a real model.

function readReply(request: ChatCompletionRequest): string {
  const lastUser = [...request.messages].reverse().find((message) => message.role === "user");
  return lastUser ? readMessageText(lastUser) : "";
}

function countUsage(request: ChatCompletionRequest, reply: string): TokenUsage {
  return {
    promptTokens: estimatePromptTokens(request.messages),
    completionTokens: estimateTokens(reply),
    cachedTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
  };
}

export function completeWithEcho(request: ChatCompletionRequest, slug: string, id: string): ChatResult {
  const reply = readReply(request);
  const completion: ChatCompletion = {
    id,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: slug,
    choices: [
      { index: 0, message: { role: "assistant", content: reply }, finish_reason: "stop", logprobs: null },
    ],
  };
  return { completion, usage: countUsage(request, reply), unchangedFromUpstream: false };
}

/** The echo reply as stream items, one word (with its leading space) per chunk. */
export function streamWithEcho(request: ChatCompletionRequest, slug: string, id: string): ChatStreamItem[] {
  const reply = readReply(request);
  const created = Math.floor(Date.now() / 1000);
  const chunk = (
    delta: ChatCompletionChunk["choices"][number]["delta"],
    finish: string | null,
  ): ChatStreamItem => {
    const body: ChatCompletionChunk = {
      id,
      object: "chat.completion.chunk",
      created,
      model: slug,
      choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
    };
    return { type: "chunk", data: JSON.stringify(body), hasContent: Boolean(delta.content) };
  };
  const words = reply.match(/\s*\S+/g) ?? [];
  return [
    chunk({ role: "assistant", content: "" }, null),
    ...words.map((word) => chunk({ content: word }, null)),
    chunk({}, "stop"),
    { type: "usage", usage: countUsage(request, reply) },
  ];
}
