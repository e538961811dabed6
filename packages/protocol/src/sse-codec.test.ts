import { test } from "node:test";
import assert from "node:assert/strict";
import { createSseDecoder, encodeSseData } from "./sse-codec.ts";

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
