// Operators add and override models in aigateway.config.json: a dated price change applies to new
// requests, an Azure-style deployment name replaces the upstream id, and a route to a host the gateway
// has no adapter for answers 503 naming its credential, never 500.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { loadConfig } from "../src/config/load-config.ts";
import { createGateway, type Gateway } from "../src/create-gateway.ts";
import { replyWithJsonFixture, startFakeUpstream, type FakeUpstream } from "./support/fake-upstream.ts";
import { fixturesMissing } from "./support/fixtures.ts";
import { testOwnerKey } from "./support/start-test-gateway.ts";

const source = { price_source: "https://example.com/our-contract", price_as_of: "2026-01-01" };
const textModel = (id: string, routes: unknown[]) => ({
  id,
  name: id,
  lab: id.split("/")[0],
  modality: "text",
  context_window: 128000,
  max_output_tokens: 4096,
  capabilities: ["streaming"],
  released: "2025-04-14",
  routes,
});

describe("operator overrides in aigateway.config.json", { skip: fixturesMissing }, () => {
  let upstream: FakeUpstream;
  let gateway: Gateway;
  let client: OpenAI;
  let baseUrl: string;

  before(async () => {
    upstream = await startFakeUpstream(() => replyWithJsonFixture("openai/chat-completion-text.json"));
    const directory = mkdtempSync(join(tmpdir(), "aig-catalog-override-"));
    writeFileSync(
      join(directory, "aigateway.config.json"),
      JSON.stringify({
        models: [
          textModel("openai/gpt-4.1-nano", [
            {
              provider: "openai",
              upstream_id: "our-nano-deployment",
              prices: [
                { pricing: { input: "100", output: "200" }, ...source },
                { effective_from: "2020-01-01", pricing: { input: "1", output: "2" }, ...source },
                { effective_from: "2999-01-01", pricing: { input: "50", output: "50" }, ...source },
              ],
            },
          ]),
          textModel("acme/via-replicate", [
            {
              provider: "replicate",
              upstream_id: "acme/model",
              pricing: { input: "1", output: "1" },
              ...source,
            },
          ]),
          textModel("acme/via-nobody", [
            { provider: "nobody", upstream_id: "x", pricing: { input: "1", output: "1" }, ...source },
          ]),
        ],
      }),
    );
    const config = loadConfig(
      { AIG_ADMIN_KEY: testOwnerKey, OPENAI_API_KEY: "test-openai-key", OPENAI_BASE_URL: upstream.baseUrl },
      directory,
    );
    gateway = await createGateway(config, { databasePath: ":memory:", log: () => undefined });
    await gateway.app.listen({ host: "127.0.0.1", port: 0 });
    baseUrl = `http://127.0.0.1:${(gateway.app.server.address() as AddressInfo).port}`;
    client = new OpenAI({ apiKey: testOwnerKey, baseURL: `${baseUrl}/v1`, maxRetries: 0 });
  });
  after(async () => {
    await gateway.close();
    await upstream.close();
  });

  it("bills a request at the price in effect now and sends the overridden upstream id", async () => {
    const { response } = await client.chat.completions
      .create({ model: "openai/gpt-4.1-nano", messages: [{ role: "user", content: "Hello" }] })
      .withResponse();
    assert.equal(upstream.requests.at(-1)?.body.model, "our-nano-deployment");
    // The fixture's usage is 16 prompt + 363 completion tokens: 16 × $1 + 363 × $2 per 1M = $0.000742.
    assert.equal(response.headers.get("x-cost-cents"), "0.0742");
  });

  it("shows the override's current price and its history in the catalog", async () => {
    const response = await fetch(`${baseUrl}/v1/models/openai/gpt-4.1-nano`, {
      headers: { authorization: `Bearer ${testOwnerKey}` },
    });
    const model = (await response.json()) as {
      pricing: { input: string; source: string };
      providers: { price_history?: unknown[] }[];
    };
    assert.equal(model.pricing.input, "1");
    assert.equal(model.pricing.source, "https://example.com/our-contract");
    assert.equal(model.providers[0]?.price_history?.length, 3);
  });

  it("answers 503 for a host without an adapter, naming its credential variable", async () => {
    await assert.rejects(
      client.chat.completions.create({
        model: "acme/via-replicate",
        messages: [{ role: "user", content: "hi" }],
      }),
      (error: { status?: number; message?: string }) =>
        error.status === 503 && (error.message ?? "").includes("REPLICATE_API_TOKEN"),
    );
    await assert.rejects(
      client.chat.completions.create({
        model: "acme/via-nobody",
        messages: [{ role: "user", content: "hi" }],
      }),
      (error: { status?: number }) => error.status === 503,
    );
  });
});
