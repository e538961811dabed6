import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { signAwsRequest } from "./sign-aws-request.ts";

// AWS's published SigV4 test suite (aws-sig-v4-test-suite: get-vanilla, post-vanilla).
const exampleCredentials = {
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
};
const exampleDate = new Date("2015-08-30T12:36:00Z");

test("matches AWS's get-vanilla and post-vanilla test vectors", async () => {
  const expectations = {
    GET: "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
    POST: "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b",
  };
  for (const [method, signature] of Object.entries(expectations)) {
    const headers = await signAwsRequest(
      { method, url: new URL("https://example.amazonaws.com/"), headers: {}, body: "" },
      {
        credentials: exampleCredentials,
        region: "us-east-1",
        service: "service",
        signingDate: exampleDate,
        signBodyHash: false,
      },
    );
    assert.equal(headers["x-amz-date"], "20150830T123600Z");
    assert.equal(
      headers.authorization,
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, " +
        `SignedHeaders=host;x-amz-date, Signature=${signature}`,
    );
  }
});

test("signs a Bedrock request with the region's scope, the body hash and the session token", async () => {
  const body = '{"messages":[]}';
  const headers = await signAwsRequest(
    {
      method: "POST",
      url: new URL(
        "https://bedrock-runtime.eu-west-3.amazonaws.com/model/us.amazon.nova-micro-v1%3A0/converse",
      ),
      headers: { "content-type": "application/json" },
      body,
    },
    {
      credentials: { ...exampleCredentials, sessionToken: "session-token-1" },
      region: "eu-west-3",
      service: "bedrock",
      signingDate: exampleDate,
    },
  );
  assert.match(
    headers.authorization ?? "",
    /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20150830\/eu-west-3\/bedrock\/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/,
  );
  assert.equal(headers.host, "bedrock-runtime.eu-west-3.amazonaws.com");
  assert.equal(headers["x-amz-security-token"], "session-token-1");
  assert.equal(headers["x-amz-content-sha256"], createHash("sha256").update(body).digest("hex"));
});

test("changes the signature when the body, the path or the port change", async () => {
  const sign = (url: string, body: string) =>
    signAwsRequest(
      { method: "POST", url: new URL(url), headers: {}, body },
      { credentials: exampleCredentials, region: "us-east-1", service: "bedrock", signingDate: exampleDate },
    ).then((headers) => headers.authorization);
  const base = await sign("http://127.0.0.1:8080/model/a/converse", "{}");
  assert.notEqual(base, await sign("http://127.0.0.1:8080/model/a/converse", "{ }"));
  assert.notEqual(base, await sign("http://127.0.0.1:8080/model/b/converse", "{}"));
  assert.notEqual(base, await sign("http://127.0.0.1:8081/model/a/converse", "{}"));
});
