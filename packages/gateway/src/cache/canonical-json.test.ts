import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { toCanonicalJson } from "./canonical-json.ts";

describe("toCanonicalJson", () => {
  it("sorts keys at every depth and drops null members", () => {
    assert.equal(
      toCanonicalJson({ b: 1, a: { d: [1, { z: 1, y: null }], c: "x" }, n: null }),
      '{"a":{"c":"x","d":[1,{"z":1}]},"b":1}',
    );
  });

  it("is the same for the same meaning", () => {
    assert.equal(toCanonicalJson({ x: 1, y: 2 }), toCanonicalJson({ y: 2, x: 1, z: undefined }));
  });
});
