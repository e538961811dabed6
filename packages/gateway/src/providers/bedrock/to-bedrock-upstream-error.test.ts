import { test } from "node:test";
import assert from "node:assert/strict";
import { toBedrockUpstreamError } from "./to-bedrock-upstream-error.ts";

const typed = (type: string) => ({
  "x-amzn-errortype": `${type}:http://internal.amazon.com/coral/com.amazon.coral.service/`,
});

test("maps AWS error types to the gateway's statuses", () => {
  const cases: [number, string, number, string][] = [
    [400, "ValidationException", 400, "invalid_request_error"],
    [403, "ExpiredTokenException", 502, "provider_error"],
    [403, "AccessDeniedException", 502, "provider_error"],
    [403, "UnrecognizedClientException", 502, "provider_error"],
    [404, "ResourceNotFoundException", 404, "model_not_found"],
    [429, "ThrottlingException", 429, "rate_limit_error"],
    [503, "ServiceUnavailableException", 503, "service_unavailable"],
    [408, "ModelTimeoutException", 504, "timeout_error"],
    [500, "InternalServerException", 502, "provider_error"],
  ];
  for (const [status, type, expectedStatus, expectedType] of cases) {
    const error = toBedrockUpstreamError("bedrock", status, { message: "vendor says" }, typed(type));
    assert.equal(error.status, expectedStatus, type);
    assert.equal(error.type, expectedType, type);
    assert.match(error.message, /vendor says/);
  }
});

test("keeps the vendor message of credential failures and names them as ours", () => {
  const error = toBedrockUpstreamError(
    "bedrock",
    403,
    { message: "The security token included in the request is expired" },
    typed("ExpiredTokenException"),
  );
  assert.match(error.message, /rejected the gateway's AWS credentials \(ExpiredTokenException\)/);
  assert.equal(error.upstreamStatus, 403);
});

test("reads untyped errors by status and keeps retry-after on throttling", () => {
  const untyped = toBedrockUpstreamError(
    "bedrock",
    400,
    { message: "The provided model identifier is invalid." },
    {},
  );
  assert.equal(untyped.status, 400);
  assert.match(untyped.message, /model identifier is invalid/);
  const throttled = toBedrockUpstreamError(
    "bedrock",
    429,
    { message: "slow down" },
    {
      ...typed("ThrottlingException"),
      "retry-after": "3",
    },
  );
  assert.deepEqual(throttled.headers, { "retry-after": "3" });
  assert.equal(toBedrockUpstreamError("bedrock", 502, "<html>bad gateway</html>", {}).status, 502);
});
