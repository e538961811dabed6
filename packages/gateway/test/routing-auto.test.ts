// The Auto Router over the real catalog: a pick within the baseline's cost ceiling, deterministic,
// with savings headers that match the catalog prices and the tokens the request actually used.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";
import { createCatalog, readCatalogFile } from "../src/catalog/catalog.ts";
import { computeCostNanodollars } from "../src/usage/compute-cost.ts";
import { formatCents } from "../src/usage/format-money.ts";
import {
  replyWithChunkFixture,
  replyWithJsonFixture,
  startFakeUpstream,
  type FakeUpstream,
} from "./support/fake-upstream.ts";
import { fixturesMissing, readJsonFixture } from "./support/fixtures.ts";
import { startTestGateway, type TestGateway } from "./support/start-test-gateway.ts";

const catalog = createCatalog(readCatalogFile());
const recorded = readJsonFixture<{ usage: { prompt_tokens: number; completion_tokens: number } }>(
  "openai/chat-completion-text.json",
);
const tokens = {
  promptTokens: recorded.usage.prompt_tokens,
  completionTokens: recorded.usage.completion_tokens,
  cachedTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
};

function priceOf(slug: string) {
  const model = catalog.find(slug);
  const route = model?.routes.find((candidate) => candidate.provider === "openai") ?? model?.routes[0];
  assert.ok(route, `${slug} is in the catalog`);
  return route.price;
}

type Body = OpenAI.ChatCompletionCreateParamsNonStreaming & Record<string, unknown>;

describe("Auto Router", { skip: fixturesMissing }, () => {
  let gateway: TestGateway;
  let upstream: FakeUpstream;

  before(async () => {
    upstream = await startFakeUpstream((request) =>
      request.body.stream
        ? replyWithChunkFixture("openai/chat-stream-text-with-usage.chunks.txt")
        : replyWithJsonFixture("openai/chat-completion-text.json"),
    );
    // Only OpenAI is configured: the pool narrows to OpenAI's models.
    gateway = await startTestGateway({
      OPENAI_API_KEY: "test",
      OPENAI_BASE_URL: upstream.baseUrl,
      AIG_CACHE_TTL_SECONDS: "0",
    });
  });
  after(async () => {
    await gateway.close();
    await upstream.close();
  });

  const ask = (body: Partial<Body>, headers: Record<string, string> = {}) =>
    gateway.openai.chat.completions
      .create({ model: "auto", messages: [{ role: "user", content: "Invent a holiday" }], ...body } as Body, {
        headers,
      })
      .withResponse();

  it("routes a simple request to the cheapest model above the floor and reports real savings", async () => {
    const { data, response } = await ask({}, { "x-routing": "cost" });
    const selected = response.headers.get("x-routing-selected") ?? "";
    assert.equal(response.headers.get("x-auto-routed"), "true");
    assert.equal(response.headers.get("x-routing-complexity"), "simple");
    assert.equal(selected, "openai/gpt-5-nano");
    assert.equal(response.headers.get("x-aig-served-by"), selected);
    assert.equal(data.model, selected);
    assert.equal(response.headers.get("x-routing-quality"), "0.620");
    assert.match(
      response.headers.get("x-routing-reason") ?? "",
      /cheapest model above the 0\.50 quality floor/,
    );
    // The request was sent upstream under the selected model's upstream id.
    assert.equal(upstream.requests.at(-1)?.body.model, catalog.find(selected)?.routes[0]?.upstreamId);

    const baseline = response.headers.get("x-auto-baseline-model") ?? "";
    assert.equal(baseline, "anthropic/claude-opus-5");
    const baselineCost = computeCostNanodollars(tokens, priceOf(baseline));
    const actualCost = computeCostNanodollars(tokens, priceOf(selected));
    assert.equal(response.headers.get("x-auto-baseline-cost-cents"), formatCents(baselineCost));
    assert.equal(response.headers.get("x-auto-route-fee-cents"), "0");
    assert.equal(response.headers.get("x-auto-savings-cents"), formatCents(baselineCost - actualCost));
    assert.equal(response.headers.get("x-cost-cents"), formatCents(actualCost));
  });

  it("is deterministic, and an omitted model means auto", async () => {
    const picks = new Set<string>();
    for (let index = 0; index < 3; index++) {
      const { response } = await ask({});
      picks.add(response.headers.get("x-routing-selected") ?? "");
    }
    const omitted = await gateway.openai.chat.completions
      .create({ messages: [{ role: "user", content: "Invent a holiday" }] } as unknown as Body)
      .withResponse();
    picks.add(omitted.response.headers.get("x-routing-selected") ?? "");
    assert.equal(picks.size, 1);
  });

  it("never picks above the baseline's cost, and quality bias takes the strongest under it", async () => {
    const { response } = await ask({ baseline_model: "openai/gpt-4.1-nano" }, { "x-routing": "quality" });
    const selected = response.headers.get("x-routing-selected") ?? "";
    const selectedPrice = priceOf(selected);
    const ceiling = priceOf("openai/gpt-4.1-nano");
    assert.ok(
      selectedPrice.input * 16 + selectedPrice.output * 300 <= ceiling.input * 16 + ceiling.output * 300,
    );
    assert.equal(selected, "openai/gpt-5-nano");
    assert.equal(response.headers.get("x-auto-baseline-model"), "openai/gpt-4.1-nano");

    // The header form of baseline_model works the same.
    const viaHeader = await ask({}, { "x-baseline-model": "openai/gpt-4.1-nano", "x-routing": "quality" });
    assert.equal(viaHeader.response.headers.get("x-routing-selected"), selected);
  });

  it("reads a demanding request as complex and raises the quality floor", async () => {
    const { response } = await ask({
      messages: [
        {
          role: "user",
          content: "Prove the algorithm terminates, step by step, then refactor it:\n```\nwhile (x) {}\n```",
        },
      ],
      reasoning_effort: "high",
    });
    assert.equal(response.headers.get("x-routing-complexity"), "complex");
    const quality = Number(response.headers.get("x-routing-quality"));
    assert.ok(quality >= 0.82, `quality ${quality} clears the complex floor`);
  });

  it("sends the decision headers with a stream", async () => {
    const { data: stream, response } = await gateway.openai.chat.completions
      .create({ model: "auto", messages: [{ role: "user", content: "hi" }], stream: true })
      .withResponse();
    assert.equal(response.headers.get("x-auto-routed"), "true");
    assert.ok(response.headers.get("x-routing-selected"));
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    assert.ok(text.length > 0);
  });

  it("rejects a bias, a baseline or an auto modality it does not know", async () => {
    const badBias = await ask({}, { "x-routing": "cheapest" }).catch((error: unknown) => error);
    assert.ok(badBias instanceof OpenAI.APIError);
    assert.equal(badBias.status, 400);
    const badBaseline = await ask({ baseline_model: "nobody/nothing" }).catch((error: unknown) => error);
    assert.ok(badBaseline instanceof OpenAI.APIError);
    assert.equal(badBaseline.status, 404);
    const image = await ask({ model: "auto/image" }).catch((error: unknown) => error);
    assert.ok(image instanceof OpenAI.APIError);
    assert.equal(image.status, 400);
  });
});
