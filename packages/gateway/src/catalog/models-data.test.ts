// The shipped models.json, checked as data: what the catalog promises (150+ models, 44+ labs, every
// modality) and what keeps billing honest (every price parses and names its source and date).
import { test } from "node:test";
import assert from "node:assert/strict";
import { knownProviders } from "../config/known-providers.ts";
import { builtInProviderId } from "../routing/resolve-route.ts";
import { createCatalog, listPriceEntries, readCatalogFile } from "./catalog.ts";
import { modalities } from "./catalog-schema.ts";
import { parseUsdToMicrodollars } from "./parse-price.ts";
import { directoryProviders } from "./provider-directory.ts";

const file = readCatalogFile();
const catalog = createCatalog(file);

test("has at least 150 models from at least 44 labs (not counting the built-in demo)", () => {
  const real = file.models.filter((model) => model.lab !== builtInProviderId);
  assert.ok(real.length >= 150, `${real.length} models`);
  const labs = new Set(real.map((model) => model.lab));
  assert.ok(labs.size >= 44, `${labs.size} labs`);
});

test("every modality has models", () => {
  for (const modality of modalities)
    assert.ok(
      file.models.some((model) => model.modality === modality),
      `a ${modality} model`,
    );
});

test("ids are unique and start with the model's lab", () => {
  const ids = file.models.map((model) => model.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const model of file.models) assert.equal(model.id.split("/")[0], model.lab, model.id);
});

test("every route names a provider the gateway knows or lists in its provider directory", () => {
  const known = new Set([
    builtInProviderId,
    ...knownProviders.map((provider) => provider.id),
    ...directoryProviders.map((provider) => provider.id),
  ]);
  for (const model of file.models)
    for (const route of model.routes)
      assert.ok(known.has(route.provider), `${model.id} → unknown provider '${route.provider}'`);
});

test("every price parses and has an https source and an as-of date not in the future", () => {
  const today = new Date().toISOString().slice(0, 10);
  for (const model of file.models) {
    for (const route of model.routes) {
      const entries = listPriceEntries(route);
      assert.ok(entries.length > 0, `${model.id} via ${route.provider} has a price`);
      for (const entry of entries) {
        const where = `${model.id} via ${route.provider}`;
        for (const value of Object.values(entry.pricing))
          if (value !== undefined) assert.ok(Number.isInteger(parseUsdToMicrodollars(value)), where);
        if (model.lab !== builtInProviderId) assert.match(entry.price_source, /^https:\/\//, where);
        assert.match(entry.price_as_of, /^\d{4}-\d{2}-\d{2}$/, where);
        assert.ok(entry.price_as_of <= today, `${where}: price_as_of in the future`);
      }
    }
  }
});

test("each media model is billed in its modality's unit and async media declares it", () => {
  for (const model of catalog.models) {
    const price = model.routes[0]?.price;
    assert.ok(price, model.id);
    if (model.modality === "video" || model.modality === "music") {
      assert.ok(price.perSecond !== undefined, `${model.id} priced per second`);
      assert.ok(model.capabilities.has("async"), `${model.id} is async`);
    }
    if (model.modality === "image")
      assert.ok(price.perImage !== undefined || price.output > 0, `${model.id} priced per image`);
  }
});

test("release dates are real dates no later than the catalog version", () => {
  for (const model of file.models) {
    assert.ok(!Number.isNaN(Date.parse(model.released)), model.id);
    assert.ok(model.released <= file.version, `${model.id} released after the catalog version`);
  }
});
