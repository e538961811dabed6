import { writeModelsConfig } from "./write-models-config.ts";

function route(provider: string, input: string, output: string) {
  return {
    provider,
    upstream_id: `${provider}-upstream-model`,
    pricing: { input, output },
    price_source: "test",
    price_as_of: "2026-01-01",
  };
}

function model(id: string, routes: ReturnType<typeof route>[], family?: string) {
  return {
    id,
    name: id,
    lab: "test",
    modality: "text",
    context_window: 100_000,
    max_output_tokens: 4_000,
    capabilities: ["streaming", "tools", "json"],
    released: "2026-01-01",
    ...(family ? { family } : {}),
    routes,
  };
}

/**
 * Models for routing tests, all on OpenAI-compatible providers the tests point at fakes:
 * `test/multi` on openai, groq and deepseek (groq cheapest, deepseek dearest); `test/alpha` on
 * openai only and `test/beta` on groq only, siblings of family `test-family`; `test/solo` on
 * deepseek only.
 */
export function writeRoutingModelsConfig(): string {
  return writeModelsConfig([
    model("test/multi", [route("openai", "1", "2"), route("groq", "0.5", "1"), route("deepseek", "2", "4")]),
    model("test/alpha", [route("openai", "1", "2")], "test-family"),
    model("test/beta", [route("groq", "1", "2")], "test-family"),
    model("test/solo", [route("deepseek", "1", "2")]),
  ]);
}
