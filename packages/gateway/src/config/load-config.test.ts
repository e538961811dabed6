import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, loadConfig } from "./load-config.ts";

const emptyDirectory = (): string => mkdtempSync(join(tmpdir(), "aig-config-"));

test("defaults: port 8080, ./data, providers known but unconfigured", () => {
  const config = loadConfig({}, "/srv/app");
  assert.equal(config.port, 8080);
  assert.equal(config.dataDir, "/srv/app/data");
  const openai = config.providers.find((provider) => provider.id === "openai");
  assert.equal(openai?.apiKey, undefined);
  assert.equal(openai?.setupHint, "OPENAI_API_KEY");
  assert.equal(config.providers.find((provider) => provider.id === "ollama")?.setupHint, "OLLAMA_BASE_URL");
});

test("reads one key/base-URL pair per provider from the environment", () => {
  const config = loadConfig({ GROQ_API_KEY: "g", GROQ_BASE_URL: "http://127.0.0.1:1/v1", PORT: "9000" }, "/");
  const groq = config.providers.find((provider) => provider.id === "groq");
  assert.equal(groq?.apiKey, "g");
  assert.equal(groq?.baseUrl, "http://127.0.0.1:1/v1");
  assert.equal(config.port, 9000);
});

test("a local server is enabled by its base URL alone", () => {
  const config = loadConfig({ OLLAMA_BASE_URL: "http://127.0.0.1:11434/v1" }, "/");
  assert.equal(config.providers.find((provider) => provider.id === "ollama")?.requiresApiKey, false);
});

test("rejects a malformed number with the variable's name", () => {
  assert.throws(() => loadConfig({ PORT: "eighty" }, "/"), /PORT must be a non-negative integer/);
});

test("adds custom providers and models from aigateway.config.json", () => {
  const directory = emptyDirectory();
  writeFileSync(
    join(directory, "aigateway.config.json"),
    JSON.stringify({
      providers: { "my-vllm": { base_url: "http://10.0.0.5:8000/v1" } },
      models: [
        {
          id: "acme/house-model",
          name: "House model",
          lab: "acme",
          modality: "text",
          context_window: 32768,
          max_output_tokens: 4096,
          capabilities: ["streaming"],
          released: "2026-01-01",
          routes: [
            {
              provider: "my-vllm",
              upstream_id: "house",
              pricing: { input: "0", output: "0" },
              price_source: "self-hosted",
              price_as_of: "2026-01-01",
            },
          ],
        },
      ],
    }),
  );
  const config = loadConfig({}, directory);
  const custom = config.providers.find((provider) => provider.id === "my-vllm");
  assert.equal(custom?.baseUrl, "http://10.0.0.5:8000/v1");
  assert.equal(custom?.requiresApiKey, false);
  assert.equal(config.extraModels[0]?.id, "acme/house-model");
});

test("explains what is wrong in an invalid config file", () => {
  const directory = emptyDirectory();
  writeFileSync(
    join(directory, "aigateway.config.json"),
    JSON.stringify({ providers: { x: { base_url: "nope" } } }),
  );
  assert.throws(
    () => loadConfig({}, directory),
    (error: unknown) => error instanceof ConfigError && /providers\.x\.base_url/.test(error.message),
  );
  writeFileSync(join(directory, "aigateway.config.json"), "{ broken");
  assert.throws(() => loadConfig({}, directory), /Cannot read/);
});
