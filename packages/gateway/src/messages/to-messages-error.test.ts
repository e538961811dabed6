import { test } from "node:test";
import assert from "node:assert/strict";
import { GatewayError } from "@aigateway/protocol";
import { toMessagesError, toMessagesErrorEvent, toMessagesErrorType } from "./to-messages-error.ts";

test("maps the catalogue's statuses to Anthropic's error types", () => {
  const types = [400, 401, 402, 403, 404, 409, 413, 429, 500, 502, 503, 504].map(toMessagesErrorType);
  assert.deepEqual(types, [
    "invalid_request_error",
    "authentication_error",
    "billing_error",
    "permission_error",
    "not_found_error",
    "invalid_request_error",
    "request_too_large",
    "rate_limit_error",
    "api_error",
    "api_error",
    "overloaded_error",
    "timeout_error",
  ]);
});

test("renders a gateway error in Anthropic's envelope with the same status", () => {
  const error = new GatewayError("model_not_found", { message: "The model 'x' does not exist." });
  assert.deepEqual(toMessagesError(error, "req_1"), {
    status: 404,
    body: {
      type: "error",
      error: { type: "not_found_error", message: "The model 'x' does not exist." },
      request_id: "req_1",
    },
  });
  assert.deepEqual(toMessagesError(new Error("secret internals")).body.error, {
    type: "api_error",
    message: "Internal error.",
  });
});

test("an in-stream failure is an `error` event", () => {
  assert.deepEqual(toMessagesErrorEvent(502, "Provider failed."), {
    event: "error",
    data: { type: "error", error: { type: "api_error", message: "Provider failed." } },
  });
});
