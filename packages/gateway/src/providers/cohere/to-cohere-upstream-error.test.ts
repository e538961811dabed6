import { test } from "node:test";
import assert from "node:assert/strict";
import { toCohereUpstreamError } from "./to-cohere-upstream-error.ts";

test("maps Cohere statuses to the catalogue with the vendor's message", () => {
  const notFound = toCohereUpstreamError("cohere", 404, { id: "x", message: "model 'nope' not found" }, {});
  assert.equal(notFound.status, 404);
  assert.equal(notFound.type, "model_not_found");
  assert.match(notFound.message, /model 'nope' not found/);
  assert.equal(toCohereUpstreamError("cohere", 401, { message: "invalid api token" }, {}).status, 502);
  assert.equal(toCohereUpstreamError("cohere", 400, { message: "invalid request: x" }, {}).status, 400);
  const limited = toCohereUpstreamError("cohere", 429, { message: "slow down" }, { "retry-after": "3" });
  assert.equal(limited.status, 429);
  assert.equal(limited.headers["retry-after"], "3");
});

test("Cohere's 402 (our account out of credit) and 499 are the provider's failure, not the client's", () => {
  const payment = toCohereUpstreamError("cohere", 402, { message: "Please add a payment method" }, {});
  assert.equal(payment.status, 502);
  assert.match(payment.message, /payment method/);
  assert.equal(toCohereUpstreamError("cohere", 499, { message: "streaming error" }, {}).status, 502);
});
