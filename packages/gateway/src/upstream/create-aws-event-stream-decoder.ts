import { EventStreamCodec } from "@smithy/eventstream-codec";
import { fromUtf8, toUtf8 } from "@smithy/util-utf8";
import type { SseEvent } from "@aigateway/protocol";

/** Prelude (total length, headers length, prelude CRC) plus the message CRC: the smallest message. */
const minimumMessageLength = 16;

interface DecodedMessage {
  headers: Record<string, { type: string; value: unknown }>;
  body: Uint8Array;
}

function readHeader(message: DecodedMessage, name: string): string {
  const value = message.headers[name]?.value;
  return typeof value === "string" ? value : "";
}

/**
 * One event-stream message as an event. Events keep their type (`contentBlockDelta`, …);
 * exceptions (`:message-type` "exception") become "exception:<type>" with the vendor's JSON payload,
 * and protocol errors ("error") become "error:<code>" with `{"message": …}`, so a transform can never
 * mistake a failure for an ordinary event.
 */
function toEvent(message: DecodedMessage): SseEvent {
  const payload = toUtf8(message.body);
  switch (readHeader(message, ":message-type")) {
    case "exception":
      return { event: `exception:${readHeader(message, ":exception-type")}`, data: payload };
    case "error":
      return {
        event: `error:${readHeader(message, ":error-code")}`,
        data: JSON.stringify({ message: readHeader(message, ":error-message") }),
      };
    default:
      return { event: readHeader(message, ":event-type"), data: payload };
  }
}

export interface AwsEventStreamDecoder {
  push(bytes: Uint8Array): SseEvent[];
}

/**
 * Cuts an `application/vnd.amazon.eventstream` body into messages whatever the reads' boundaries:
 * a message split across reads waits for its tail, several messages in one read all come out. A
 * corrupt message (bad length or CRC) yields one "error:MalformedEventStream" event, after which the
 * rest of the body is ignored: nothing after a broken frame boundary can be trusted.
 */
export function createAwsEventStreamDecoder(): AwsEventStreamDecoder {
  const codec = new EventStreamCodec(toUtf8, fromUtf8);
  let pending = new Uint8Array(0);
  let broken = false;
  return {
    push(bytes: Uint8Array): SseEvent[] {
      if (broken) return [];
      let buffer: Uint8Array = bytes;
      if (pending.length > 0) {
        buffer = new Uint8Array(pending.length + bytes.length);
        buffer.set(pending);
        buffer.set(bytes, pending.length);
      }
      const events: SseEvent[] = [];
      let offset = 0;
      try {
        while (buffer.length - offset >= 4) {
          const length = new DataView(buffer.buffer, buffer.byteOffset + offset, 4).getUint32(0);
          if (length < minimumMessageLength) throw new Error(`a message claims ${length} bytes`);
          if (buffer.length - offset < length) break;
          const message = codec.decode(buffer.subarray(offset, offset + length)) as DecodedMessage;
          events.push(toEvent(message));
          offset += length;
        }
      } catch (error) {
        broken = true;
        const reason = error instanceof Error ? error.message : String(error);
        events.push({
          event: "error:MalformedEventStream",
          data: JSON.stringify({ message: `The AWS event stream is corrupt: ${reason}` }),
        });
        return events;
      }
      // Copied, so a retained tail never pins the (pooled) buffer of the read it came from.
      pending = buffer.slice(offset);
      return events;
    },
  };
}
