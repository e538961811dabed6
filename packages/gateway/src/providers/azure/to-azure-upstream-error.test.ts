import { test } from "node:test";
import assert from "node:assert/strict";
import { toAzureUpstreamError } from "./to-azure-upstream-error.ts";

test("a content-filter 400 stays a 400 that says it was the content filter", () => {
  const error = toAzureUpstreamError(
    "azure",
    400,
    {
      error: {
        message:
          "The response was filtered due to the prompt triggering Azure OpenAI's content management policy.",
        type: null,
        param: "prompt",
        code: "content_filter",
        status: 400,
        innererror: { code: "ResponsibleAIPolicyViolation", content_filter_result: {} },
      },
    },
    {},
  );
  assert.equal(error.status, 400);
  assert.equal(error.type, "invalid_request_error");
  assert.match(error.message, /content filter/);
  assert.match(error.message, /content management policy/);
});

test("DeploymentNotFound is model_not_found; 401 is the gateway's problem (502)", () => {
  const missing = toAzureUpstreamError(
    "azure",
    404,
    {
      error: { code: "DeploymentNotFound", message: "The API deployment for this resource does not exist." },
    },
    {},
  );
  assert.equal(missing.status, 404);
  assert.equal(missing.type, "model_not_found");
  assert.match(missing.message, /DeploymentNotFound/);
  const denied = toAzureUpstreamError("azure", 401, { error: { code: "401", message: "Access denied" } }, {});
  assert.equal(denied.status, 502);
  assert.equal(denied.type, "provider_error");
  const limited = toAzureUpstreamError("azure", 429, { error: { message: "slow" } }, { "retry-after": "7" });
  assert.equal(limited.headers["retry-after"], "7");
});
