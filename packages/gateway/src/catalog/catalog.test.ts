import { test } from "node:test";
import assert from "node:assert/strict";
import { createCatalog, listPriceEntries, priceAt, readCatalogFile, toRoutePrice } from "./catalog.ts";
import { modelSchema, type CatalogModelEntry } from "./catalog-schema.ts";

const file = readCatalogFile();
const catalog = createCatalog(file);

test("slugs are unique and lowercase lab/model", () => {
  const ids = file.models.map((model) => model.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const id of ids) assert.match(id, /^[a-z0-9][a-z0-9._-]*\/[a-z0-9]/);
});

test("covers every OpenAI-compatible provider the gateway configures from the environment", () => {
  const providers = new Set(file.models.flatMap((model) => model.routes.map((route) => route.provider)));
  for (const id of ["openai", "groq", "together", "fireworks", "deepseek", "moonshot", "mistral", "xai"]) {
    assert.ok(providers.has(id), `a model served by ${id}`);
  }
  for (const id of ["openrouter", "deepinfra", "cerebras"])
    assert.ok(providers.has(id), `a model served by ${id}`);
  for (const id of ["anthropic", "gemini", "bedrock", "cohere", "azure"])
    assert.ok(providers.has(id), `a model served natively by ${id}`);
});

test("prices are integral micro-dollars per 1M tokens; cached defaults to input", () => {
  const mini = catalog.find("openai/gpt-4o-mini");
  assert.ok(mini);
  assert.equal(mini.routes[0]?.price.input, 150_000);
  const echo = catalog.find("aigateway/echo");
  assert.equal(echo?.routes[0]?.price.output, 0);
  const nano = catalog.find("openai/gpt-4.1-nano")?.routes[0]?.price;
  assert.equal(nano?.cacheWrite, nano?.input);
});

test("media prices convert to integer micro-dollars per their unit", () => {
  const price = toRoutePrice({
    per_image: "0.04",
    per_second: "0.4",
    per_minute: "0.0043",
    per_1k_characters: "0.015",
    per_1k_searches: "2",
  });
  assert.equal(price.perImage, 40_000);
  assert.equal(price.perSecond, 400_000);
  assert.equal(price.perMinute, 4_300);
  assert.equal(price.perThousandCharacters, 15_000);
  assert.equal(price.perThousandSearches, 2_000_000);
  assert.equal(price.input, 0);
  assert.equal(toRoutePrice({ input: "1" }).perImage, undefined);
  assert.equal(catalog.find("openai/dall-e-3")?.routes[0]?.price.perImage, 40_000);
});

test("a versioned route uses the price in effect at the given time", () => {
  const route = catalog.find("openai/o3")?.routes[0];
  assert.ok(route);
  assert.equal(route.prices.length, 2);
  assert.equal(priceAt(route, new Date("2025-05-01T00:00:00Z")).price.input, 10_000_000);
  assert.equal(priceAt(route, new Date("2025-06-10T00:00:00Z")).price.input, 2_000_000);
  assert.equal(priceAt(route, Date.parse("2026-01-01")).price.output, 8_000_000);
  // `price` (what the chat path bills with) is the one in effect now.
  assert.equal(route.price.input, 2_000_000);
});

const dated = (effectiveFrom: string | undefined, input: string) => ({
  ...(effectiveFrom === undefined ? {} : { effective_from: effectiveFrom }),
  pricing: { input, output: "1" },
  price_source: "https://example.com/pricing",
  price_as_of: "2026-01-01",
});

test("priceAt picks the latest started entry whatever the listed order, and the earliest before all", () => {
  const entry = modelSchema.parse({
    id: "acme/chat",
    name: "Acme chat",
    lab: "acme",
    modality: "text",
    context_window: 1000,
    max_output_tokens: 100,
    capabilities: [],
    released: "2026-01-01",
    routes: [
      {
        provider: "openai",
        upstream_id: "acme",
        prices: [dated("2027-01-01", "3"), dated("2026-01-01T12:00:00Z", "2"), dated("2026-06-01", "2.5")],
      },
    ],
  });
  const route = createCatalog({ version: "t", models: [entry] }).find("acme/chat")?.routes[0];
  assert.ok(route);
  assert.equal(priceAt(route, Date.parse("2025-01-01")).price.input, 2_000_000);
  assert.equal(priceAt(route, Date.parse("2026-03-01")).price.input, 2_000_000);
  assert.equal(priceAt(route, Date.parse("2026-06-01")).price.input, 2_500_000);
  assert.equal(priceAt(route, Date.parse("2027-02-01")).price.input, 3_000_000);
});

test("the schema rejects a route with both price forms, none, or a unit the modality cannot bill", () => {
  const base = {
    id: "acme/x",
    name: "X",
    lab: "acme",
    modality: "video",
    context_window: 0,
    max_output_tokens: 0,
    capabilities: ["async"],
    released: "2026-01-01",
  };
  const inline = { price_source: "https://example.com", price_as_of: "2026-01-01" };
  const route = { provider: "fal", upstream_id: "x" };
  assert.ok(
    modelSchema.safeParse({ ...base, routes: [{ ...route, pricing: { per_second: "0.1" }, ...inline }] })
      .success,
  );
  assert.ok(
    !modelSchema.safeParse({ ...base, routes: [{ ...route, pricing: { per_image: "0.1" }, ...inline }] })
      .success,
  );
  assert.ok(!modelSchema.safeParse({ ...base, routes: [route] }).success);
  assert.ok(
    !modelSchema.safeParse({
      ...base,
      routes: [{ ...route, pricing: { per_second: "0.1" }, ...inline, prices: [dated(undefined, "1")] }],
    }).success,
  );
  assert.ok(
    !modelSchema.safeParse({
      ...base,
      modality: "text",
      routes: [{ ...route, prices: [dated("2026-01-01", "1"), dated("2026-01-01", "2")] }],
    }).success,
  );
});

test("operator models replace shipped ones with the same id, including their prices", () => {
  const shipped = file.models.find((model) => model.id === "openai/gpt-4o-mini");
  assert.ok(shipped);
  const override: CatalogModelEntry = {
    ...shipped,
    name: "Custom mini",
    routes: [
      {
        provider: "azure",
        upstream_id: "my-mini-deployment",
        pricing: { input: "0.165", output: "0.66" },
        price_source: "https://example.com/our-azure-contract",
        price_as_of: "2026-11-01",
      },
    ],
  };
  const overridden = createCatalog(file, [override]);
  const model = overridden.find("openai/gpt-4o-mini");
  assert.equal(model?.entry.name, "Custom mini");
  assert.equal(model?.routes[0]?.upstreamId, "my-mini-deployment");
  assert.equal(model?.routes[0]?.price.input, 165_000);
  assert.equal(overridden.models.length, catalog.models.length);
  assert.equal(listPriceEntries(override.routes[0]!).length, 1);
});
