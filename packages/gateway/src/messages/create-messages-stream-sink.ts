import type { ChatCompletionChunk, ErrorEnvelope, Usage } from "@aigateway/protocol";
import { createSseDecoder, encodeSseEvent } from "@aigateway/protocol";
import type { StreamSink } from "../chat/stream-sink.ts";
import type { MessagesStreamEvent } from "./anthropic-messages-types.ts";
import { addWarnings } from "./add-warnings.ts";
import { createMessagesStreamEncoder } from "./create-messages-stream-encoder.ts";
import { toMessagesErrorEvent } from "./to-messages-error.ts";

export interface MessagesStreamSinkOptions {
  id: string;
  /** The model name the client sent, echoed as Anthropic does. */
  model: string;
  slug: string;
  estimatedInputTokens: number;
  warnings: readonly string[];
  requestId: string;
}

function encodeEvents(events: readonly MessagesStreamEvent[]): string {
  let frames = "";
  for (const item of events) frames += encodeSseEvent(item.event, JSON.stringify(item.data));
  return frames;
}

/**
 * A StreamSink that the chat service writes its OpenAI chunk frames into and that writes Anthropic's
 * Messages events to the client's sink. The chat service keeps doing everything else (routing,
 * usage, cost, disconnects, the in-band error), so this route adds no money logic of its own.
 */
export function createMessagesStreamSink(inner: StreamSink, options: MessagesStreamSinkOptions): StreamSink {
  const decoder = createSseDecoder();
  const encoder = createMessagesStreamEncoder({ id: options.id, model: options.model });
  let usage: Usage | undefined;
  let finished = false;

  function translate(frame: string): string {
    let out = "";
    for (const item of decoder.push(frame)) {
      if (finished) break;
      if (item.data === "[DONE]") {
        out += encodeEvents(encoder.finish(usage));
        finished = true;
        break;
      }
      let parsed: (ChatCompletionChunk & Partial<ErrorEnvelope>) | undefined;
      try {
        parsed = JSON.parse(item.data) as ChatCompletionChunk & Partial<ErrorEnvelope>;
      } catch {
        continue;
      }
      if (parsed.error) {
        const status = typeof parsed.error.code === "number" ? parsed.error.code : 500;
        out += encodeEvents([toMessagesErrorEvent(status, parsed.error.message, options.requestId)]);
        finished = true;
        break;
      }
      // The gateway's own last chunk: usage with the cost, no choices.
      if (parsed.usage && (!Array.isArray(parsed.choices) || parsed.choices.length === 0)) {
        usage = parsed.usage;
        continue;
      }
      out += encodeEvents(encoder.push(parsed));
    }
    return out;
  }

  return {
    open(headers) {
      inner.open(addWarnings(headers, options.slug, options.warnings));
      inner.write(encodeEvents([encoder.start(options.estimatedInputTokens)]));
    },
    write(frame) {
      const out = translate(frame);
      return out ? inner.write(out) : true;
    },
    drain: () => inner.drain(),
    end: () => inner.end(),
  };
}
