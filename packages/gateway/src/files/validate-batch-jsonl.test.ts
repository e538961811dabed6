import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GatewayError } from "@aigateway/protocol";
import { validateBatchJsonl } from "./validate-batch-jsonl.ts";

const line = (customId: string, url = "/v1/chat/completions") =>
  JSON.stringify({
    custom_id: customId,
    method: "POST",
    url,
    body: { model: "aigateway/echo", messages: [] },
  });

async function* chunks(...parts: string[]) {
  for (const part of parts) yield Buffer.from(part, "utf8");
}

async function rejection(promise: Promise<unknown>): Promise<GatewayError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof GatewayError);
    return error;
  }
  assert.fail("expected a rejection");
}

describe("validateBatchJsonl", () => {
  const options = { maxLineBytes: 1024 };

  it("counts requests across chunk boundaries, CRLF endings and blank lines", async () => {
    const text = `${line("a")}\r\n\n${line("b", "/v1/embeddings")}\n${line("c")}`;
    const summary = await validateBatchJsonl(
      chunks(text.slice(0, 17), text.slice(17, 90), text.slice(90)),
      options,
    );
    assert.deepEqual(summary, { requests: 3 });
  });

  it("names the line and the problem", async () => {
    const cases: [string, RegExp][] = [
      [`${line("a")}\nnot json\n`, /line 2 is not valid JSON/],
      [`${line("a")}\n[1]\n`, /line 2 is not a JSON object/],
      [
        `${line("a")}\n${JSON.stringify({ method: "POST", url: "/v1/embeddings", body: {} })}`,
        /line 2 has no custom_id/,
      ],
      [`${line("a")}\n${line("a")}`, /line 2 repeats custom_id "a"/],
      [
        JSON.stringify({ custom_id: "x", method: "GET", url: "/v1/embeddings", body: {} }),
        /line 1 has a method/,
      ],
      [line("x", "/v1/images/generations"), /line 1 has url "\/v1\/images\/generations"/],
      [
        JSON.stringify({ custom_id: "x", method: "POST", url: "/v1/embeddings", body: "text" }),
        /line 1 has no body/,
      ],
    ];
    for (const [text, pattern] of cases) {
      const error = await rejection(validateBatchJsonl(chunks(text), options));
      assert.equal(error.status, 400);
      assert.equal(error.param, "file");
      assert.match(error.message, pattern);
    }
  });

  it("refuses invalid UTF-8, an empty file and an over-long line without holding it", async () => {
    async function* invalidUtf8() {
      yield Buffer.from([0x7b, 0xff, 0x7d, 0x0a]);
    }
    assert.match(
      (await rejection(validateBatchJsonl(invalidUtf8(), options))).message,
      /line 1 is not valid UTF-8/,
    );
    assert.match(
      (await rejection(validateBatchJsonl(chunks("\n \n"), options))).message,
      /holds no requests/,
    );
    const long = `${line("a")}\n${"x".repeat(600)}${"y".repeat(600)}`;
    const error = await rejection(validateBatchJsonl(chunks(long.slice(0, 700), long.slice(700)), options));
    assert.match(error.message, /line 2 is longer than 1024 bytes/);
  });
});
