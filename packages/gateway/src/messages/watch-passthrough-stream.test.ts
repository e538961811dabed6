import { test } from "node:test";
import assert from "node:assert/strict";
import { watchPassthroughStream } from "./watch-passthrough-stream.ts";

test("reads usage from message_start and message_delta, and sees message_stop", () => {
  const watcher = watchPassthroughStream();
  watcher.push({
    event: "message_start",
    data: '{"type":"message_start","message":{"usage":{"input_tokens":43,"cache_read_input_tokens":7,"output_tokens":1}}}',
  });
  watcher.push({ event: "content_block_delta", data: '{"type":"content_block_delta"}' });
  watcher.push({
    event: "message_delta",
    data: '{"type":"message_delta","usage":{"input_tokens":61,"output_tokens":2}}',
  });
  assert.equal(watcher.sawMessageStop, false);
  watcher.push({ event: "message_stop", data: '{"type":"message_stop"}' });
  assert.deepEqual(watcher.usage, { input_tokens: 61, cache_read_input_tokens: 7, output_tokens: 2 });
  assert.equal(watcher.sawContent, true);
  assert.equal(watcher.sawMessageStop, true);
  assert.equal(watcher.failure, undefined);
});

test("keeps an in-stream error event", () => {
  const watcher = watchPassthroughStream();
  watcher.push({
    event: "error",
    data: '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}',
  });
  assert.deepEqual(watcher.failure, {
    type: "error",
    error: { type: "overloaded_error", message: "Overloaded" },
  });
});
