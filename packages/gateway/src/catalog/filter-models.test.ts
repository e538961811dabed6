import { test } from "node:test";
import assert from "node:assert/strict";
import { GatewayError } from "@aigateway/protocol";
import { createCatalog, readCatalogFile } from "./catalog.ts";
import { matchesModelFilter, parseModelFilter } from "./filter-models.ts";

const catalog = createCatalog(readCatalogFile());
const noneKnown = () => false;
const select = (query: Record<string, unknown>) => {
  const filter = parseModelFilter(query, catalog, noneKnown);
  return catalog.models.filter((model) => matchesModelFilter(model, filter));
};

test("filters by modality, accepting the public API's audio-stt/audio-tts names", () => {
  const images = select({ modality: "image" });
  assert.ok(images.length > 0 && images.every((model) => model.modality === "image"));
  assert.deepEqual(
    select({ modality: "audio-stt" }).map((model) => model.id),
    select({ modality: "stt" }).map((model) => model.id),
  );
});

test("provider matches a serving provider or a lab", () => {
  const viaGroq = select({ provider: "groq" });
  assert.ok(
    viaGroq.length > 0 && viaGroq.every((model) => model.routes.some((route) => route.provider === "groq")),
  );
  const anthropic = select({ provider: "anthropic" });
  assert.ok(anthropic.some((model) => model.id === "anthropic/claude-haiku-4.5"));
  assert.ok(select({ provider: "black-forest-labs", modality: "image" }).length > 0);
});

test("lab and capability filters combine with the others", () => {
  const reasoning = select({ lab: "openai", capability: "reasoning" });
  assert.ok(reasoning.length > 0);
  assert.ok(reasoning.every((model) => model.lab === "openai" && model.capabilities.has("reasoning")));
});

test("a bad value is a 400 naming the parameter and the allowed values", () => {
  for (const [param, value] of [
    ["modality", "holograms"],
    ["provider", "nobody"],
    ["lab", "nobody"],
    ["capability", "telepathy"],
  ] as const) {
    assert.throws(
      () => parseModelFilter({ [param]: value }, catalog, noneKnown),
      (error: unknown) =>
        error instanceof GatewayError && error.param === param && error.message.includes("Use one of"),
    );
  }
  assert.throws(
    () => parseModelFilter({ modality: ["text", "image"] }, catalog, noneKnown),
    (error: unknown) => error instanceof GatewayError && error.param === "modality",
  );
});

test("a configured provider with no catalog models is a valid, empty filter", () => {
  const filter = parseModelFilter({ provider: "my-vllm" }, catalog, (id) => id === "my-vllm");
  assert.equal(catalog.models.filter((model) => matchesModelFilter(model, filter)).length, 0);
});
