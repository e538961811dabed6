import assert from "node:assert/strict";
import { test } from "node:test";
import { maxWebhookAttempts, planAfterFailedAttempt } from "./webhook-retry-schedule.ts";

test("failed attempts are retried after 30 s, 2 min, 10 min, 1 h and 6 h, then the delivery fails", () => {
  const now = 1_000_000;
  assert.equal(maxWebhookAttempts, 6);
  assert.deepEqual(
    [1, 2, 3, 4, 5].map((attempt) => planAfterFailedAttempt(attempt, now)),
    [30_000, 120_000, 600_000, 3_600_000, 21_600_000].map((delay) => ({
      status: "pending",
      nextAttemptAt: now + delay,
    })),
  );
  assert.deepEqual(planAfterFailedAttempt(6, now), { status: "failed" });
  assert.deepEqual(planAfterFailedAttempt(7, now), { status: "failed" });
});
