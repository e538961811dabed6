import { test } from "node:test";
import assert from "node:assert/strict";
import { readDataUrl } from "./read-data-url.ts";

test("reads a base64 data URL, parameters and all", () => {
  assert.deepEqual(readDataUrl("data:Image/PNG;base64,AAAA"), { mediaType: "image/png", data: "AAAA" });
  assert.deepEqual(readDataUrl("data:text/plain;charset=utf-8;base64,aGk="), {
    mediaType: "text/plain",
    data: "aGk=",
  });
});

test("re-encodes a percent-encoded data URL as base64", () => {
  assert.deepEqual(readDataUrl("data:text/plain,h%69"), { mediaType: "text/plain", data: "aGk=" });
});

test("anything else is not a data URL", () => {
  assert.equal(readDataUrl("https://example.com/a.png"), undefined);
  assert.equal(readDataUrl("data:,no-type"), undefined);
  assert.equal(readDataUrl("data:text/plain,%E0%A4%A"), undefined);
});
