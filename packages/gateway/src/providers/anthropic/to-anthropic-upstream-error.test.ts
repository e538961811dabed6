import { test } from "node:test";
import assert from "node:assert/strict";
import { toAnthropicUpstreamError } from "./to-anthropic-upstream-error.ts";

const envelope = (type: string, message: string) => ({ type: "error", error: { type, message } });

test("keeps the vendor's message and status meaning for client errors", () => {
  const error = toAnthropicUpstreamError(
    "anthropic",
    400,
    envelope("invalid_request_error", "messages.0: bad"),
    {},
  );
  assert.equal(error.status, 400);
  assert.match(error.message, /messages\.0: bad/);
});

test("our rejected key is a 502, rate limits keep retry-after, overload is 503, timeouts 504", () => {
  assert.equal(
    toAnthropicUpstreamError("anthropic", 401, envelope("authentication_error", "bad key"), {}).status,
    502,
  );
  assert.equal(
    toAnthropicUpstreamError("anthropic", 403, envelope("permission_error", "no"), {}).status,
    502,
  );
  const limited = toAnthropicUpstreamError("anthropic", 429, envelope("rate_limit_error", "slow"), {
    "retry-after": "7",
  });
  assert.equal(limited.status, 429);
  assert.deepEqual(limited.headers, { "retry-after": "7" });
  const overloaded = toAnthropicUpstreamError(
    "anthropic",
    529,
    envelope("overloaded_error", "Overloaded"),
    {},
  );
  assert.equal(overloaded.status, 503);
  assert.equal(overloaded.type, "service_unavailable");
  assert.equal(toAnthropicUpstreamError("anthropic", 500, envelope("api_error", "boom"), {}).status, 502);
  assert.equal(toAnthropicUpstreamError("anthropic", 504, envelope("timeout_error", "slow"), {}).status, 504);
});

test("an in-stream error takes its status from the error type", () => {
  assert.equal(
    toAnthropicUpstreamError("anthropic", null, envelope("overloaded_error", "Overloaded"), {}).status,
    503,
  );
  assert.equal(toAnthropicUpstreamError("anthropic", null, envelope("api_error", "boom"), {}).status, 502);
  const limited = toAnthropicUpstreamError("anthropic", null, envelope("rate_limit_error", "slow"), {});
  assert.equal(limited.status, 429);
  assert.equal(limited.upstreamStatus, null);
});
