// The live usage stream: each request's usage row reaches the account's listeners as it is stored.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { callApi } from "./support/call-api.ts";
import { openUsageStream } from "./support/open-usage-stream.ts";
import { startTestGateway, type TestGateway } from "./support/start-test-gateway.ts";

const hello = { model: "aigateway/echo", messages: [{ role: "user" as const, content: "hello" }] };

describe("GET /v1/usage/stream", () => {
  let gateway: TestGateway;
  before(async () => {
    gateway = await startTestGateway();
  });
  after(() => gateway.close());

  it(
    "streams each new usage row of the account, its sub-accounts' included",
    { timeout: 20_000 },
    async () => {
      const stream = await openUsageStream(gateway.baseUrl, gateway.ownerKey);
      try {
        await gateway.openai.chat.completions.create(hello, { headers: { "x-request-id": "live-1" } });
        const first = await stream.next();
        assert.equal(first.request_id, "live-1");
        const sub = await callApi<{ key: string }>(
          gateway.baseUrl,
          gateway.ownerKey,
          "POST",
          "/v1/sub-accounts",
          {
            name: "watched",
            default_tag: "tenant:w",
          },
        );
        await gateway
          .client(sub.body.key)
          .chat.completions.create(hello, { headers: { "x-request-id": "live-2" } });
        const second = await stream.next();
        assert.deepEqual([second.request_id, second.tag], ["live-2", "tenant:w"]);
      } finally {
        stream.close();
      }
    },
  );

  it("shows a sub-account key only its own rows", { timeout: 20_000 }, async () => {
    const sub = await callApi<{ key: string }>(
      gateway.baseUrl,
      gateway.ownerKey,
      "POST",
      "/v1/sub-accounts",
      {
        name: "own rows",
      },
    );
    const stream = await openUsageStream(gateway.baseUrl, sub.body.key);
    try {
      // The parent's row is stored first; the sub-account's stream must skip it.
      await gateway.openai.chat.completions.create(hello, { headers: { "x-request-id": "parent-row" } });
      await gateway.gateway.usage.flush();
      await gateway
        .client(sub.body.key)
        .chat.completions.create(hello, { headers: { "x-request-id": "own-row" } });
      assert.equal((await stream.next()).request_id, "own-row");
    } finally {
      stream.close();
    }
  });
});
