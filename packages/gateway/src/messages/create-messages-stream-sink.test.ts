import { test } from "node:test";
import assert from "node:assert/strict";
import { createSseDecoder, encodeSseData, sseDone } from "@aigateway/protocol";
import type { StreamSink } from "../chat/stream-sink.ts";
import { createMessagesStreamSink } from "./create-messages-stream-sink.ts";

function recordingSink() {
  const frames: string[] = [];
  let headers: Record<string, string> | undefined;
  let ended = false;
  const sink: StreamSink = {
    open: (given) => {
      headers = given;
    },
    write: (frame) => {
      frames.push(frame);
      return true;
    },
    drain: async () => undefined,
    end: () => {
      ended = true;
    },
  };
  const events = () => createSseDecoder().push(frames.join(""));
  return { sink, events, headers: () => headers, ended: () => ended };
}

const options = {
  id: "msg_1",
  model: "claude-x",
  slug: "openai/gpt-4o-mini",
  estimatedInputTokens: 9,
  warnings: ["top_k"],
  requestId: "req_1",
};

const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
  encodeSseData(
    JSON.stringify({
      id: "c",
      object: "chat.completion.chunk",
      created: 1,
      model: "m",
      choices: [{ index: 0, delta, finish_reason: finish }],
    }),
  );

test("turns the chat service's frames into the Anthropic event sequence, merging warnings", () => {
  const target = recordingSink();
  const sink = createMessagesStreamSink(target.sink, options);
  sink.open({
    "x-aig-provider": "openai",
    "x-aig-warning": "Dropped unsupported parameters for m: temperature",
  });
  sink.write(chunk({ role: "assistant", content: "" }) + chunk({ content: "Hi" }));
  sink.write(chunk({}, "stop"));
  sink.write(
    encodeSseData(
      JSON.stringify({
        id: "c",
        object: "chat.completion.chunk",
        created: 1,
        model: "m",
        choices: [],
        usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15, cost: 0.0001 },
      }),
    ),
  );
  sink.write(sseDone);
  sink.end();
  const events = target.events();
  assert.deepEqual(
    events.map((event) => event.event),
    [
      "message_start",
      "content_block_start",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ],
  );
  const delta = JSON.parse(events[4]?.data ?? "{}") as {
    usage: { input_tokens: number; output_tokens: number };
  };
  assert.equal(delta.usage.input_tokens, 12);
  assert.equal(delta.usage.output_tokens, 3);
  assert.equal(
    target.headers()?.["x-aig-warning"],
    "Dropped unsupported parameters for m: temperature; Not expressible for openai/gpt-4o-mini through the Messages API, dropped: top_k",
  );
  assert.equal(target.ended(), true);
});

test("an in-band error frame becomes an Anthropic `error` event and nothing follows it", () => {
  const target = recordingSink();
  const sink = createMessagesStreamSink(target.sink, options);
  sink.open({});
  sink.write(chunk({ content: "partial" }));
  sink.write(
    encodeSseData(
      JSON.stringify({
        error: { message: "Provider x failed.", type: "provider_error", code: 502, param: null },
      }),
    ),
  );
  sink.write(sseDone);
  const events = target.events();
  assert.deepEqual(
    events.map((event) => event.event),
    ["message_start", "content_block_start", "content_block_delta", "error"],
  );
  assert.deepEqual(JSON.parse(events[3]?.data ?? "{}"), {
    type: "error",
    error: { type: "api_error", message: "Provider x failed." },
    request_id: "req_1",
  });
});
