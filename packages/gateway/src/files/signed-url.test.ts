import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkJobFileSignature, readPresentedSignature, signJobFile } from "./signed-url.ts";
import type { SigningKey } from "./signing-keys.ts";

const oldKey: SigningKey = { id: "k1", secret: Buffer.from("old-secret-old-secret-old-secret-0") };
const newKey: SigningKey = { id: "k2", secret: Buffer.from("new-secret-new-secret-new-secret-0") };
const file = { accountId: "acct_a", jobId: "job_1", filename: "out.mp4" };

describe("signed job file URLs", () => {
  const expiresAt = 1_000_600;
  const token = signJobFile(oldKey, { ...file, expiresAt });
  const presented = { token, expiresAt, keyId: "k1" };

  it("verifies with the key named by k, also after a newer key was added", () => {
    assert.equal(checkJobFileSignature([newKey, oldKey], presented, file, 1_000_000), "valid");
    assert.equal(checkJobFileSignature([newKey], presented, file, 1_000_000), "unknown_key");
  });

  it("refuses another path, account or expiry, and a changed token", () => {
    const keys = [oldKey];
    assert.equal(checkJobFileSignature(keys, presented, { ...file, filename: "other.mp4" }, 0), "mismatch");
    assert.equal(checkJobFileSignature(keys, presented, { ...file, jobId: "job_2" }, 0), "mismatch");
    assert.equal(checkJobFileSignature(keys, presented, { ...file, accountId: "acct_b" }, 0), "mismatch");
    assert.equal(
      checkJobFileSignature(keys, { ...presented, expiresAt: expiresAt + 1 }, file, 0),
      "mismatch",
    );
    const flipped = `${token[0] === "A" ? "B" : "A"}${token.slice(1)}`;
    assert.equal(checkJobFileSignature(keys, { ...presented, token: flipped }, file, 0), "mismatch");
    assert.equal(
      checkJobFileSignature(keys, { ...presented, token: token.slice(0, 20) }, file, 0),
      "mismatch",
    );
  });

  it("reports expiry only for a genuine signature", () => {
    assert.equal(checkJobFileSignature([oldKey], presented, file, expiresAt), "expired");
    const forged = { ...presented, token: signJobFile(newKey, { ...file, expiresAt }) };
    assert.equal(checkJobFileSignature([oldKey], forged, file, expiresAt), "mismatch");
  });

  it("reads token, exp and k, or nothing when one is malformed", () => {
    assert.deepEqual(readPresentedSignature({ token, exp: "1000600", k: "k1" }), presented);
    assert.equal(readPresentedSignature({ token, exp: "soon", k: "k1" }), undefined);
    assert.equal(readPresentedSignature({ token: "a b", exp: "1", k: "k1" }), undefined);
    assert.equal(readPresentedSignature({ token, exp: "1" }), undefined);
    assert.equal(readPresentedSignature({ token: [token], exp: "1", k: "k1" }), undefined);
  });
});
