import { test } from "node:test";
import assert from "node:assert/strict";
import { parseUsdPerMillion } from "./parse-price.ts";

test("parses decimal prices exactly into micro-dollars per 1M tokens", () => {
  assert.equal(parseUsdPerMillion("0.075"), 75_000);
  assert.equal(parseUsdPerMillion("2.5"), 2_500_000);
  assert.equal(parseUsdPerMillion("0"), 0);
  assert.equal(parseUsdPerMillion("15"), 15_000_000);
  assert.equal(parseUsdPerMillion("0.000001"), 1);
});

test("rejects malformed prices", () => {
  assert.throws(() => parseUsdPerMillion("1.2345678"));
  assert.throws(() => parseUsdPerMillion("-1"));
});
