import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { test } from "node:test";
import {
  computeWebhookSignature,
  formatSignatureHeader,
  generateWebhookSecret,
  verifyWebhookSignature,
} from "./webhook-signature.ts";

const body = '{"id":"evt_1","type":"key.rotated","created":1700000000,"data":{"ü":"🙂"}}';

test("the signature is hex HMAC-SHA256 over `${t}.${raw_body}`", () => {
  const expected = createHmac("sha256", "whsec_test").update(`1700000000.${body}`, "utf8").digest("hex");
  assert.equal(computeWebhookSignature("whsec_test", 1_700_000_000, body), expected);
  assert.equal(formatSignatureHeader(["whsec_test"], 1_700_000_000, body), `t=1700000000,v1=${expected}`);
});

test("secrets look like whsec_ plus 32 URL-safe characters and differ", () => {
  const secret = generateWebhookSecret();
  assert.match(secret, /^whsec_[\w-]{32}$/);
  assert.notEqual(secret, generateWebhookSecret());
});

test("verification accepts any v1 of the secret within the tolerance and nothing else", () => {
  const header = formatSignatureHeader(["whsec_old", "whsec_new"], 1_700_000_000, body);
  const verify = (secret: string, overrides: Partial<Parameters<typeof verifyWebhookSignature>[0]> = {}) =>
    verifyWebhookSignature({ secret, body, header, nowSeconds: 1_700_000_100, ...overrides });
  assert.equal(verify("whsec_old"), true);
  assert.equal(verify("whsec_new"), true);
  assert.equal(verify("whsec_other"), false);
  assert.equal(verify("whsec_new", { body: `${body} ` }), false);
  assert.equal(verify("whsec_new", { nowSeconds: 1_700_000_301 }), false);
  assert.equal(verify("whsec_new", { nowSeconds: 1_700_000_301, toleranceSeconds: 600 }), true);
  assert.equal(verify("whsec_new", { header: "v1=abc" }), false);
  assert.equal(verify("whsec_new", { header: "t=1700000000,v1=zz" }), false);
});

test("the current secret is signed last, which is what last-value-wins SDK parsers read", () => {
  const header = formatSignatureHeader(["whsec_old", "whsec_new"], 1, "{}");
  const last = header.split(",").at(-1);
  assert.equal(last, `v1=${computeWebhookSignature("whsec_new", 1, "{}")}`);
});
