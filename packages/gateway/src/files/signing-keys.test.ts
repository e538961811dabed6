import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseSigningKeys } from "./signing-keys.ts";

const secret = "s".repeat(32);

describe("parseSigningKeys", () => {
  it("reads id:secret pairs in order, the first signing", () => {
    const keys = parseSigningKeys(` k2:${secret}2 , k1:${secret}1:with-colon`);
    assert.deepEqual(
      keys.map((key) => [key.id, key.secret.toString()]),
      [
        ["k2", `${secret}2`],
        ["k1", `${secret}1:with-colon`],
      ],
    );
    assert.deepEqual(parseSigningKeys(undefined), []);
    assert.deepEqual(parseSigningKeys(" "), []);
  });

  it("refuses a missing separator, a bad id, a short secret and a repeated id", () => {
    assert.throws(() => parseSigningKeys(secret), /id:secret/);
    assert.throws(() => parseSigningKeys(`bad id:${secret}`), /letters, digits/);
    assert.throws(() => parseSigningKeys("k1:short"), /at least 32/);
    assert.throws(() => parseSigningKeys(`k1:${secret},k1:${secret}`), /listed twice/);
  });
});
