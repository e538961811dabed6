import { test } from "node:test";
import assert from "node:assert/strict";
import { createCatalog, readCatalogFile } from "./catalog.ts";
import { capabilities, modalities } from "./catalog-schema.ts";
import { describeCapabilities } from "./describe-capabilities.ts";

test("describes the capability vocabulary, each modality's endpoint and the counts", () => {
  const catalog = createCatalog(readCatalogFile());
  const described = describeCapabilities(catalog);
  assert.deepEqual(
    described.data.map((capability) => capability.id),
    [...capabilities],
  );
  assert.deepEqual(
    described.modalities.map((modality) => modality.id),
    [...modalities],
  );
  assert.equal(
    described.modalities.reduce((sum, modality) => sum + modality.model_count, 0),
    catalog.models.length,
  );
  assert.equal(described.counts.models, catalog.models.length);
  assert.ok(described.endpoints.includes("/v1/rerank"));
});
