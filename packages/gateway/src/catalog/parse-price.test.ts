import { test } from "node:test";
import assert from "node:assert/strict";
import { formatMicrodollars, parseUsdPerMillion, parseUsdToMicrodollars } from "./parse-price.ts";

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

test("formats micro-dollars back to the shortest decimal string", () => {
  assert.equal(formatMicrodollars(75_000), "0.075");
  assert.equal(formatMicrodollars(2_500_000), "2.5");
  assert.equal(formatMicrodollars(0), "0");
  assert.equal(formatMicrodollars(parseUsdToMicrodollars("0.0043")), "0.0043");
});
