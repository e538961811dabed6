// The worker's spend reservation for a job it submitted upstream is released when the job ends
// without this process finishing it (cancelled, or finished by another replica), instead of holding
// the account's cap until the counters are next seeded.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { LoopTimers } from "../src/jobs/poll-loop.ts";
import { callApi } from "./support/call-api.ts";
import { startFakeJobUpstreams, type FakeJobUpstreams } from "./support/fake-job-upstreams.ts";
import { startTestGateway, type TestGateway } from "./support/start-test-gateway.ts";

const leaseMs = 1_000;
// Workers run only through runDue; no timer ever fires.
const idleTimers: LoopTimers = { setTimeout: () => undefined, clearTimeout: () => undefined };

describe("job spend reservations", () => {
  let upstreams: FakeJobUpstreams;
  let gateway: TestGateway;
  let clock = Date.now();

  before(async () => {
    upstreams = await startFakeJobUpstreams();
    upstreams.holdQueue = true;
    gateway = await startTestGateway(
      { FAL_KEY: "fal-test-key", FAL_BASE_URL: upstreams.baseUrl, AIG_JOB_LEASE_MS: String(leaseMs) },
      { now: () => clock, workers: { timers: idleTimers, start: false } },
    );
  });
  after(async () => {
    await gateway.close();
    await upstreams.close();
  });

  it("frees a cancelled running job's reservation for the next job", async () => {
    const sub = await callApi<{ key: string }>(
      gateway.baseUrl,
      gateway.ownerKey,
      "POST",
      "/v1/sub-accounts",
      {
        name: "video-tenant",
        spend_cap_cents: 50,
      },
    );
    assert.equal(sub.status, 201);
    // $0.35 each: one fits under the $0.50 cap, two at once do not.
    const submit = () =>
      callApi<{ id: string }>(gateway.baseUrl, sub.body.key, "POST", "/v1/videos/generations", {
        model: "kuaishou/kling-2.5-turbo-pro",
        prompt: "one at a time",
        duration: 5,
      });
    const first = await submit();
    assert.equal(first.status, 202);
    await gateway.gateway.jobs.worker.runDue();
    assert.equal(upstreams.requests.filter((request) => request.method === "POST").length, 1);
    assert.equal((await submit()).status, 402, "the running job holds its reservation");

    const cancelled = await callApi<{ status: string }>(
      gateway.baseUrl,
      sub.body.key,
      "POST",
      `/v1/jobs/${first.body.id}/cancel`,
    );
    assert.equal(cancelled.body.status, "cancelled");
    clock += leaseMs;
    await gateway.gateway.jobs.worker.runDue();
    assert.equal((await submit()).status, 202);
  });
});
