import type { ChatCompletionChunk, SseEvent, Usage } from "@aigateway/protocol";
import type { ChatStreamItem, ChatStreamTransform, ChatTarget } from "../provider-adapter.ts";
import { readOpenAiUsage } from "./read-openai-usage.ts";
import { moveThinkingPartsToReasoning, renameReasoningField } from "./normalize-chat-message.ts";
import { toOpenAiUpstreamError } from "./to-openai-upstream-error.ts";
import { reportMalformedStreamEvent, reportStreamEndedEarly } from "../stream-failure-items.ts";

// A chunk that matches none of these is already what the openai SDK expects and is forwarded as the
// upstream sent it (only the model id is swapped by a plain substring replacement), which keeps the
// per-chunk cost to one regex test instead of a JSON parse and re-serialise.
// (`"content":[` is Mistral's list of thinking and text chunks.)
const needsRewrite = /"usage":\s*\{|"reasoning"\s*:|"content":\s*\[|"tool_calls"|"error"|"x_groq"/;

interface ToolCallSlot {
  index: number;
}

/**
 * Normalises an OpenAI-compatible chat stream: the first chunk always carries `role`, reasoning is
 * `reasoning_content` (also when Mistral sends it as a `thinking` content chunk), content is a
 * string, tool-call indexes start at 0 and are never missing, usage is taken out of
 * content chunks (the gateway emits its own final usage chunk with the cost), and an in-stream
 * `error` becomes an error item instead of being forwarded as if it were content.
 */
export function createOpenAiCompatibleStreamTransform(
  provider: string,
  target: ChatTarget,
): ChatStreamTransform {
  const modelJson = `"model":${JSON.stringify(target.slug)}`;
  let upstreamModelJson: string | undefined;
  let sawFirstChunk = false;
  let sawFinishReason = false;
  let sawDone = false;
  let usage: ReturnType<typeof readOpenAiUsage> | undefined;
  let completionId = "";
  let created = 0;
  // Per choice: upstream tool-call index (or id) → our 0-based index.
  const toolSlots = new Map<number, Map<string | number, ToolCallSlot>>();
  const lastToolSlot = new Map<number, ToolCallSlot>();

  function normalizeToolCalls(choiceIndex: number, toolCalls: Record<string, unknown>[]): void {
    let slots = toolSlots.get(choiceIndex);
    if (!slots) toolSlots.set(choiceIndex, (slots = new Map<string | number, ToolCallSlot>()));
    for (const call of toolCalls) {
      const upstreamIndex = typeof call.index === "number" ? call.index : undefined;
      const id = typeof call.id === "string" && call.id ? call.id : undefined;
      let slot = upstreamIndex !== undefined ? slots.get(upstreamIndex) : undefined;
      if (!slot && id !== undefined) slot = slots.get(id);
      if (!slot && upstreamIndex === undefined && id === undefined) slot = lastToolSlot.get(choiceIndex);
      if (!slot) {
        slot = { index: new Set([...slots.values()].map((entry) => entry.index)).size };
        if (upstreamIndex !== undefined) slots.set(upstreamIndex, slot);
        if (id !== undefined) slots.set(id, slot);
      } else if (id !== undefined && !slots.has(id)) {
        slots.set(id, slot);
      }
      lastToolSlot.set(choiceIndex, slot);
      call.index = slot.index;
    }
  }

  function rewriteChunk(chunk: ChatCompletionChunk & { x_groq?: { usage?: Usage } }): ChatStreamItem[] {
    const items: ChatStreamItem[] = [];
    const reportedUsage = chunk.usage ?? chunk.x_groq?.usage;
    if (reportedUsage) usage = readOpenAiUsage(reportedUsage);
    delete chunk.usage;
    if (chunk.x_groq) delete chunk.x_groq.usage;
    const choices = Array.isArray(chunk.choices) ? chunk.choices : [];
    let hasContent = false;
    for (const choice of choices) {
      const delta = choice.delta ?? (choice.delta = {});
      if (!sawFirstChunk && delta.role === undefined) delta.role = "assistant";
      renameReasoningField(delta);
      moveThinkingPartsToReasoning(delta, "delta");
      if (Array.isArray(delta.tool_calls)) {
        normalizeToolCalls(choice.index, delta.tool_calls as unknown as Record<string, unknown>[]);
      }
      if (choice.finish_reason) sawFinishReason = true;
      hasContent ||= Boolean(delta.content || delta.reasoning_content || delta.tool_calls);
    }
    sawFirstChunk = true;
    // A usage-only chunk is replaced by the gateway's own, which carries the cost.
    if (choices.length > 0) {
      chunk.model = target.slug;
      items.push({ type: "chunk", data: JSON.stringify(chunk), hasContent });
    }
    return items;
  }

  return {
    get completionId() {
      return completionId;
    },
    get created() {
      return created;
    },
    push(event: SseEvent): ChatStreamItem[] {
      const data = event.data;
      if (data === "[DONE]") {
        sawDone = true;
        return [];
      }
      if (sawFirstChunk && !needsRewrite.test(data)) {
        if (data.includes('"finish_reason":"')) sawFinishReason = true;
        const forwarded = upstreamModelJson ? data.replace(upstreamModelJson, modelJson) : data;
        return [{ type: "chunk", data: forwarded, hasContent: true }];
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(data);
      } catch {
        return [reportMalformedStreamEvent(provider, data)];
      }
      const chunk = parsed as ChatCompletionChunk & { error?: unknown };
      if (event.event === "error" || chunk.error) {
        return [{ type: "error", error: toOpenAiUpstreamError(provider, 500, parsed, {}) }];
      }
      if (!sawFirstChunk) {
        completionId = typeof chunk.id === "string" ? chunk.id : "";
        created = typeof chunk.created === "number" ? chunk.created : Math.floor(Date.now() / 1000);
        if (typeof chunk.model === "string") upstreamModelJson = `"model":${JSON.stringify(chunk.model)}`;
      }
      return rewriteChunk(chunk);
    },
    end(): ChatStreamItem[] {
      if (!sawDone && !sawFinishReason) return [reportStreamEndedEarly(provider)];
      return usage ? [{ type: "usage", usage }] : [];
    },
  };
}
