import { test } from "node:test";
import assert from "node:assert/strict";
import { createSseDecoder, encodeSseData, encodeSseEvent } from "./sse-codec.ts";

test("decodes events split across arbitrary chunk boundaries", () => {
  const decoder = createSseDecoder();
  const wire = 'data: {"a":1}\n\nevent: ping\ndata: {"b":2}\r\n\r\ndata: [DONE]\n\n';
  const events = [];
  for (let i = 0; i < wire.length; i += 3) events.push(...decoder.push(wire.slice(i, i + 3)));
  assert.deepEqual(events, [
    { event: undefined, data: '{"a":1}' },
    { event: "ping", data: '{"b":2}' },
    { event: undefined, data: "[DONE]" },
  ]);
});

test("encodes one data frame", () => {
  assert.equal(encodeSseData('{"x":1}'), 'data: {"x":1}\n\n');
});

test("encodes one named event frame that the decoder reads back", () => {
  const frame = encodeSseEvent("message_stop", '{"type":"message_stop"}');
  assert.equal(frame, 'event: message_stop\ndata: {"type":"message_stop"}\n\n');
  assert.deepEqual(createSseDecoder().push(frame), [
    { event: "message_stop", data: '{"type":"message_stop"}' },
  ]);
});
