import { test } from "node:test";
import assert from "node:assert/strict";
import { GatewayError } from "@aigateway/protocol";
import { parseToolCallArguments } from "./parse-tool-call-arguments.ts";

test("reads a JSON object, and no arguments as {}", () => {
  assert.deepEqual(parseToolCallArguments('{"city":"Paris"}', "p", "Gemini"), { city: "Paris" });
  assert.deepEqual(parseToolCallArguments("  ", "p", "Gemini"), {});
});

test("anything but a JSON object is a 400 naming the field", () => {
  for (const text of ["{oops", "[1]", "null", "3"]) {
    assert.throws(
      () => parseToolCallArguments(text, "messages[1].tool_calls[0].function.arguments", "Bedrock"),
      (error: unknown) =>
        error instanceof GatewayError &&
        error.param === "messages[1].tool_calls[0].function.arguments" &&
        /Bedrock/.test(error.message),
    );
  }
});
