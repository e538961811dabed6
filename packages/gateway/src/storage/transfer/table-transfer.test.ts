import assert from "node:assert/strict";
import { test } from "node:test";
import { orderByReferences } from "./table-transfer.ts";

test("orders referenced tables first, the rest by name", () => {
  const references = new Map([
    ["api_keys", ["accounts"]],
    ["budgets", ["accounts"]],
    ["accounts", ["accounts"]],
    ["deliveries", ["events", "endpoints"]],
  ]);
  const ordered = orderByReferences(
    ["usage_log", "deliveries", "budgets", "api_keys", "events", "endpoints", "accounts"],
    references,
  );
  assert.deepEqual(ordered, [
    "accounts",
    "api_keys",
    "budgets",
    "events",
    "endpoints",
    "deliveries",
    "usage_log",
  ]);
});
