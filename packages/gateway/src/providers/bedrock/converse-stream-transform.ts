import { randomUUID } from "node:crypto";
import type { ChatCompletionChunkChoice, ReasoningDetail, SseEvent } from "@aigateway/protocol";
import type { ChatStreamItem, ChatStreamTransform, ChatTarget } from "../provider-adapter.ts";
import type { ConverseUsage } from "./converse-types.ts";
import { pickReasoningFormat } from "./reasoning-format.ts";
import { readConverseUsage } from "./read-converse-usage.ts";
import { toBedrockStreamError } from "./to-bedrock-upstream-error.ts";
import { toFinishReason } from "./to-finish-reason.ts";
import { reportMalformedStreamEvent, reportStreamEndedEarly } from "../stream-failure-items.ts";

type Delta = ChatCompletionChunkChoice["delta"];

interface BlockDelta {
  text?: string;
  toolUse?: { input?: string };
  reasoningContent?: { text?: string; signature?: string; redactedContent?: string };
}

interface StreamPayload {
  contentBlockIndex?: number;
  start?: { toolUse?: { toolUseId?: string; name?: string } };
  delta?: BlockDelta;
  stopReason?: string;
  usage?: ConverseUsage;
}

/** The prefix the upstream event decoder gives ConverseStream exception messages. */
const exceptionPrefix = "exception:";
const errorPrefix = "error:";

/**
 * ConverseStream events (decoded from the AWS event stream: `event` is the event type, `data` its
 * JSON payload) as OpenAI chunks. Converse numbers content blocks across text, reasoning and tool
 * use; tool calls get their own 0-based indexes. Reasoning deltas become `reasoning_content` plus
 * `reasoning_details` pieces indexed by content block (text pieces, then the signature), which a
 * client joins per index and sends back. Usage arrives in the final `metadata` event.
 */
export function createConverseStreamTransform(provider: string, target: ChatTarget): ChatStreamTransform {
  const completionId = `chatcmpl-${randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);
  const format = pickReasoningFormat(target.upstreamModel);
  const toolIndexes = new Map<number, number>();
  let sentRole = false;
  let sawStop = false;

  const chunk = (delta: Delta, finishReason: string | null = null, hasContent = true): ChatStreamItem => {
    if (!sentRole) {
      delta = { role: "assistant", ...delta };
      sentRole = true;
    }
    const data = JSON.stringify({
      id: completionId,
      object: "chat.completion.chunk",
      created,
      model: target.slug,
      choices: [{ index: 0, delta, finish_reason: finishReason }],
    });
    return { type: "chunk", data, hasContent };
  };

  const toolIndexFor = (blockIndex: number): { index: number; isNew: boolean } => {
    const existing = toolIndexes.get(blockIndex);
    if (existing !== undefined) return { index: existing, isNew: false };
    const index = toolIndexes.size;
    toolIndexes.set(blockIndex, index);
    return { index, isNew: true };
  };

  function fromBlockDelta(blockIndex: number, delta: BlockDelta): ChatStreamItem[] {
    if (typeof delta.text === "string") return [chunk({ content: delta.text })];
    if (delta.toolUse) {
      const { index, isNew } = toolIndexFor(blockIndex);
      const call = isNew
        ? { index, type: "function" as const, function: { arguments: delta.toolUse.input ?? "" } }
        : { index, function: { arguments: delta.toolUse.input ?? "" } };
      return [chunk({ tool_calls: [call] })];
    }
    const reasoning = delta.reasoningContent;
    if (!reasoning) return [];
    let detail: ReasoningDetail;
    const update: Delta = {};
    if (typeof reasoning.text === "string") {
      update.reasoning_content = reasoning.text;
      detail = { type: "reasoning.text", text: reasoning.text, format, index: blockIndex };
    } else if (typeof reasoning.signature === "string") {
      detail = {
        type: "reasoning.text",
        text: "",
        signature: reasoning.signature,
        format,
        index: blockIndex,
      };
    } else if (typeof reasoning.redactedContent === "string") {
      detail = { type: "reasoning.encrypted", data: reasoning.redactedContent, format, index: blockIndex };
    } else {
      return [];
    }
    update.reasoning_details = [detail];
    return [chunk(update)];
  }

  return {
    completionId,
    created,
    push(event: SseEvent): ChatStreamItem[] {
      const name = event.event ?? "";
      if (name.startsWith(exceptionPrefix) || name.startsWith(errorPrefix)) {
        const type = name.slice(name.indexOf(":") + 1);
        return [{ type: "error", error: toBedrockStreamError(provider, type, event.data) }];
      }
      let payload: StreamPayload;
      try {
        payload = JSON.parse(event.data) as StreamPayload;
      } catch {
        return [reportMalformedStreamEvent(provider, event.data)];
      }
      const blockIndex = payload.contentBlockIndex ?? 0;
      switch (name) {
        case "messageStart":
          return [chunk({ content: "" }, null, false)];
        case "contentBlockStart": {
          const toolUse = payload.start?.toolUse;
          if (!toolUse) return [];
          const { index } = toolIndexFor(blockIndex);
          const call = {
            index,
            id: toolUse.toolUseId ?? "",
            type: "function" as const,
            function: { name: toolUse.name ?? "", arguments: "" },
          };
          return [chunk({ tool_calls: [call] })];
        }
        case "contentBlockDelta":
          return payload.delta ? fromBlockDelta(blockIndex, payload.delta) : [];
        case "messageStop":
          sawStop = true;
          return [chunk({}, toFinishReason(payload.stopReason), false)];
        case "metadata":
          return payload.usage ? [{ type: "usage", usage: readConverseUsage(payload.usage) }] : [];
        default:
          // contentBlockStop and event types added later carry nothing a chat client needs.
          return [];
      }
    },
    end(): ChatStreamItem[] {
      return sawStop ? [] : [reportStreamEndedEarly(provider)];
    },
  };
}
