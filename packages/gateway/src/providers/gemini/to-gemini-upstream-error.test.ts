import { test } from "node:test";
import assert from "node:assert/strict";
import { toGeminiUpstreamError } from "./to-gemini-upstream-error.ts";

test("429 RESOURCE_EXHAUSTED keeps its status and turns RetryInfo into retry-after", () => {
  const error = toGeminiUpstreamError(
    "gemini",
    429,
    {
      error: {
        code: 429,
        message: "You exceeded your current quota.",
        status: "RESOURCE_EXHAUSTED",
        details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "34.4s" }],
      },
    },
    {},
  );
  assert.equal(error.status, 429);
  assert.equal(error.headers["retry-after"], "35");
  assert.match(error.message, /exceeded your current quota.*RESOURCE_EXHAUSTED/);
});

test("a rejected key (401, 403 or 400 API_KEY_INVALID) is the gateway's problem: 502", () => {
  for (const [status, body] of [
    [401, { error: { code: 401, message: "no", status: "UNAUTHENTICATED" } }],
    [403, { error: { code: 403, message: "no", status: "PERMISSION_DENIED" } }],
    [
      400,
      {
        error: {
          code: 400,
          message: "API key not valid.",
          status: "INVALID_ARGUMENT",
          details: [{ reason: "API_KEY_INVALID" }],
        },
      },
    ],
  ] as const) {
    const error = toGeminiUpstreamError("gemini", status, body, {});
    assert.equal(error.status, 502, `status ${status}`);
    assert.match(error.message, /credentials/);
  }
});

test("404 NOT_FOUND is model_not_found with Google's message; 5xx and array envelopes are 502", () => {
  const notFound = toGeminiUpstreamError(
    "gemini",
    404,
    { error: { code: 404, message: "models/x is not found", status: "NOT_FOUND" } },
    {},
  );
  assert.equal(notFound.status, 404);
  assert.equal(notFound.type, "model_not_found");
  assert.match(notFound.message, /models\/x is not found/);
  const overloaded = toGeminiUpstreamError(
    "gemini",
    503,
    [{ error: { code: 503, message: "The model is overloaded.", status: "UNAVAILABLE" } }],
    {},
  );
  assert.equal(overloaded.status, 502);
  assert.match(overloaded.message, /overloaded/);
  const invalid = toGeminiUpstreamError(
    "gemini",
    400,
    { error: { message: "bad field", status: "INVALID_ARGUMENT" } },
    {},
  );
  assert.equal(invalid.status, 400);
});
