// The one place where server-sent-event bytes are decoded and encoded. Adapters and routes deal in
// event objects and JSON strings, never in `data:` lines.
import { createParser, type EventSourceMessage } from "eventsource-parser";

export interface SseEvent {
  event: string | undefined;
  data: string;
}

export const sseDone = "data: [DONE]\n\n";

/** One SSE frame carrying `data` (which must not contain newlines, as JSON.stringify guarantees). */
export function encodeSseData(data: string): string {
  return `data: ${data}\n\n`;
}

/** One named SSE frame (`event:` then `data:`), as Anthropic's Messages stream frames every event. */
export function encodeSseEvent(event: string, data: string): string {
  return `event: ${event}\ndata: ${data}\n\n`;
}

export interface SseDecoder {
  /** Feeds decoded text; returns the complete events it finished. */
  push(text: string): SseEvent[];
}

export function createSseDecoder(): SseDecoder {
  let pending: SseEvent[] = [];
  const parser = createParser({
    onEvent(message: EventSourceMessage) {
      pending.push({ event: message.event, data: message.data });
    },
  });
  return {
    push(text: string): SseEvent[] {
      parser.feed(text);
      if (pending.length === 0) return pending;
      const events = pending;
      pending = [];
      return events;
    },
  };
}
