import type { SseEvent } from "@aigateway/protocol";
import type { AnthropicUsage } from "../providers/anthropic/anthropic-wire-types.ts";
import { mergeAnthropicUsage } from "../providers/anthropic/read-anthropic-usage.ts";

export interface PassthroughStreamWatcher {
  /** Reads one event of a forwarded Anthropic stream; only the few that matter are parsed. */
  push(event: SseEvent): void;
  /** message_start's usage updated by message_delta's (which has the final output count). */
  readonly usage: AnthropicUsage | undefined;
  readonly sawMessageStop: boolean;
  readonly sawContent: boolean;
  /** The body of an in-stream `error` event, which the client has already received. */
  readonly failure: unknown;
}

// Events whose data the watcher needs; deltas (the bulk of a stream) are only counted.
const parsedEvents = new Set(["message_start", "message_delta", "error"]);

/**
 * Follows an Anthropic stream that is forwarded to the client unchanged, to bill it: usage from
 * message_start and message_delta, completion from message_stop, failure from an `error` event.
 */
export function watchPassthroughStream(): PassthroughStreamWatcher {
  let usage: AnthropicUsage | undefined;
  let sawMessageStop = false;
  let sawContent = false;
  let failure: unknown;
  return {
    push(event) {
      const name = event.event;
      if (name === "content_block_delta") {
        sawContent = true;
        return;
      }
      if (name === "message_stop") {
        sawMessageStop = true;
        return;
      }
      if (name === undefined || !parsedEvents.has(name)) return;
      let data: { message?: { usage?: AnthropicUsage }; usage?: AnthropicUsage } | undefined;
      try {
        data = JSON.parse(event.data) as typeof data;
      } catch {
        data = undefined;
      }
      if (name === "error") failure = data ?? event.data;
      else if (name === "message_start") usage = mergeAnthropicUsage(usage, data?.message?.usage);
      else usage = mergeAnthropicUsage(usage, data?.usage);
    },
    get usage() {
      return usage;
    },
    get sawMessageStop() {
      return sawMessageStop;
    },
    get sawContent() {
      return sawContent;
    },
    get failure() {
      return failure;
    },
  };
}
