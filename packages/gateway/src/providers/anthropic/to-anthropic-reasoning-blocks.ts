import type { ReasoningDetail } from "@aigateway/protocol";
import type { AnthropicRedactedThinkingBlock, AnthropicThinkingBlock } from "./anthropic-wire-types.ts";
import { anthropicReasoningFormat } from "./anthropic-reasoning-format.ts";

type ReasoningBlock = AnthropicThinkingBlock | AnthropicRedactedThinkingBlock;

/**
 * An assistant message's reasoning_details as the thinking / redacted_thinking blocks Anthropic
 * returned, in order. Pieces sharing an `index` (a client that kept streamed deltas as they came) are
 * joined: text concatenated, the last signature kept. Details of another vendor's format, and
 * thinking without a signature, are left out: Anthropic rejects thinking it did not sign.
 */
export function toAnthropicReasoningBlocks(
  details: readonly ReasoningDetail[] | undefined,
): ReasoningBlock[] {
  if (!details) return [];
  const blocks: ReasoningBlock[] = [];
  const byIndex = new Map<number, ReasoningBlock>();
  for (const detail of details) {
    if (typeof detail !== "object" || detail === null) continue;
    if (detail.format !== undefined && detail.format !== anthropicReasoningFormat) continue;
    const index = typeof detail.index === "number" ? detail.index : undefined;
    const previous = index === undefined ? undefined : byIndex.get(index);
    if (detail.type === "reasoning.text") {
      const text = typeof detail.text === "string" ? detail.text : "";
      const signature = typeof detail.signature === "string" ? detail.signature : "";
      if (previous?.type === "thinking") {
        previous.thinking += text;
        if (signature) previous.signature = signature;
        continue;
      }
      const block: AnthropicThinkingBlock = { type: "thinking", thinking: text, signature };
      blocks.push(block);
      if (index !== undefined) byIndex.set(index, block);
    } else if (detail.type === "reasoning.encrypted" && typeof detail.data === "string") {
      if (previous) continue;
      const block: AnthropicRedactedThinkingBlock = { type: "redacted_thinking", data: detail.data };
      blocks.push(block);
      if (index !== undefined) byIndex.set(index, block);
    }
  }
  return blocks.filter((block) => block.type === "redacted_thinking" || block.signature !== "");
}
