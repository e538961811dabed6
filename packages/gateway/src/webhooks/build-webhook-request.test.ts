import assert from "node:assert/strict";
import { test } from "node:test";
import type { WebhookDeliveryRecord, WebhookSecretRecord } from "../storage/storage.ts";
import { buildWebhookRequest, selectSigningSecrets } from "./build-webhook-request.ts";
import { verifyWebhookSignature } from "./webhook-signature.ts";

const secret: WebhookSecretRecord = {
  accountId: "acct_1",
  secret: "whsec_new",
  previousSecret: "whsec_old",
  previousSecretExpiresAt: 2_000_000,
  createdAt: 0,
  rotatedAt: 1_000_000,
};

const delivery = { id: "whd_1" } as WebhookDeliveryRecord;
const event = {
  id: "evt_1",
  accountId: "acct_1",
  type: "job.completed",
  data: { job_id: "job_1", usage: { cost_cents: 1.5 } },
  createdAt: 1_700_000_000_999,
};

test("the body is {id, type, created, data} and the headers name the event, delivery and attempt", () => {
  const { body, headers } = buildWebhookRequest({
    delivery,
    event,
    secret: { ...secret, previousSecret: null, previousSecretExpiresAt: null },
    attempt: 3,
    now: 1_700_000_005_000,
    userAgent: "test",
  });
  assert.equal(
    body,
    '{"id":"evt_1","type":"job.completed","created":1700000000,"data":{"job_id":"job_1","usage":{"cost_cents":1.5}}}',
  );
  assert.equal(headers["x-aig-event-type"], "job.completed");
  assert.equal(headers["x-aig-delivery-id"], "whd_1");
  assert.equal(headers["x-aig-attempt"], "3");
  assert.equal(headers["x-gateway-signature"], headers["x-aig-signature"]);
  assert.match(headers["x-aig-signature"] ?? "", /^t=1700000005,v1=[0-9a-f]{64}$/);
  assert.ok(
    verifyWebhookSignature({
      secret: "whsec_new",
      body,
      header: headers["x-aig-signature"] ?? "",
      nowSeconds: 1_700_000_005,
    }),
  );
});

test("during a rotation grace period both secrets sign, the current one last; afterwards only it", () => {
  assert.deepEqual(selectSigningSecrets(secret, 1_999_999), ["whsec_old", "whsec_new"]);
  assert.deepEqual(selectSigningSecrets(secret, 2_000_000), ["whsec_new"]);
  assert.deepEqual(selectSigningSecrets({ ...secret, previousSecretExpiresAt: null }, 0), ["whsec_new"]);
});
