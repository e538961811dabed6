import { test } from "node:test";
import assert from "node:assert/strict";
import { EventStreamCodec } from "@smithy/eventstream-codec";
import { fromUtf8, toUtf8 } from "@smithy/util-utf8";
import { createAwsEventStreamDecoder } from "./create-aws-event-stream-decoder.ts";

const codec = new EventStreamCodec(toUtf8, fromUtf8);
const text = (value: string) => ({ type: "string" as const, value });

function eventMessage(type: string, payload: unknown): Uint8Array {
  return codec.encode({
    headers: {
      ":event-type": text(type),
      ":content-type": text("application/json"),
      ":message-type": text("event"),
    },
    body: fromUtf8(JSON.stringify(payload)),
  });
}

function exceptionMessage(type: string, message: string): Uint8Array {
  return codec.encode({
    headers: {
      ":exception-type": text(type),
      ":content-type": text("application/json"),
      ":message-type": text("exception"),
    },
    body: fromUtf8(JSON.stringify({ message })),
  });
}

function concat(parts: Uint8Array[]): Uint8Array {
  const all = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    all.set(part, offset);
    offset += part.length;
  }
  return all;
}

const body = concat([
  eventMessage("messageStart", { role: "assistant" }),
  eventMessage("contentBlockDelta", { contentBlockIndex: 0, delta: { text: "héllo" } }),
  eventMessage("messageStop", { stopReason: "end_turn" }),
]);
const expected = [
  { event: "messageStart", data: '{"role":"assistant"}' },
  { event: "contentBlockDelta", data: '{"contentBlockIndex":0,"delta":{"text":"héllo"}}' },
  { event: "messageStop", data: '{"stopReason":"end_turn"}' },
];

test("decodes several messages that arrive in one read", () => {
  assert.deepEqual(createAwsEventStreamDecoder().push(body), expected);
});

test("decodes messages split across reads at every possible byte", () => {
  for (const size of [1, 3, 7, 16, 50]) {
    const decoder = createAwsEventStreamDecoder();
    const events = [];
    for (let offset = 0; offset < body.length; offset += size) {
      // A Buffer slice shares a larger ArrayBuffer, as undici's reads do.
      events.push(...decoder.push(Buffer.from(body.subarray(offset, offset + size))));
    }
    assert.deepEqual(events, expected, `reads of ${size} bytes`);
  }
});

test("marks exception messages so they cannot pass for events", () => {
  const events = createAwsEventStreamDecoder().push(
    concat([
      eventMessage("messageStart", { role: "assistant" }),
      exceptionMessage("throttlingException", "Too many requests"),
    ]),
  );
  assert.deepEqual(events[1], {
    event: "exception:throttlingException",
    data: '{"message":"Too many requests"}',
  });
});

test("reports a corrupt message once and ignores the rest of the body", () => {
  const corrupt = eventMessage("messageStart", { role: "assistant" });
  corrupt[corrupt.length - 1] = (corrupt.at(-1) ?? 0) ^ 0xff;
  const decoder = createAwsEventStreamDecoder();
  const events = decoder.push(concat([eventMessage("messageStart", {}), corrupt]));
  assert.equal(events.length, 2);
  assert.equal(events[1]?.event, "error:MalformedEventStream");
  assert.deepEqual(decoder.push(eventMessage("messageStop", {})), []);
});
