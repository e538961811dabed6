// The one place an upstream's streamed body is cut into events, whatever its framing. Adapters get
// SseEvent objects and never see bytes.
import { createSseDecoder, type SseEvent } from "@aigateway/protocol";
import type { StreamFraming } from "../providers/provider-adapter.ts";
import { createAwsEventStreamDecoder } from "./create-aws-event-stream-decoder.ts";

export interface UpstreamEventDecoder {
  /** Feeds one read of the body; returns the events it completed. */
  push(bytes: Uint8Array): SseEvent[];
}

function createSseByteDecoder(): UpstreamEventDecoder {
  const decoder = createSseDecoder();
  const text = new TextDecoder();
  return { push: (bytes) => decoder.push(text.decode(bytes, { stream: true })) };
}

export function createUpstreamEventDecoder(framing: StreamFraming = "sse"): UpstreamEventDecoder {
  switch (framing) {
    case "sse":
      return createSseByteDecoder();
    case "aws-eventstream":
      return createAwsEventStreamDecoder();
  }
}
