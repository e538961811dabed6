// docs/compatibility.md must match the test titles and docs/compatibility-gaps.json. The check only
// parses (the compat tests themselves run elsewhere in `npm test`), so it costs no second test run.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { scanTestSource } from "../../../scripts/compatibility/scan-compatibility-claims.ts";
import { parseCompatibilityGaps } from "../../../scripts/compatibility/read-compatibility-gaps.ts";

const repositoryRoot = fileURLToPath(new URL("../../../", import.meta.url));

describe("compatibility matrix", () => {
  it("docs/compatibility.md is what the titles and the gaps file generate (npm run compat)", () => {
    const check = spawnSync(process.execPath, ["scripts/compatibility-matrix.ts", "--check"], {
      cwd: repositoryRoot,
      encoding: "utf8",
    });
    assert.equal(check.status, 0, `${check.stdout}${check.stderr}`);
  });

  it("reads rows from compat-<vendor> file names, [vendor] tags and the enclosing describe()", () => {
    const source = `
      describe("x", () => {
        it("[stream] [usage] streams", () => {});
        it("[groq] [xai] [tools] calls", () => {});
        it(\`[errors] maps \${status} (\${cassette})\`, () => {});
        it("no tags, no claim", () => {});
        it("[embeddings] not a matrix column", () => {});
      });
      describe("translated to the hub", () => {
        it("[inbound anthropic] [text] answers", () => {});
      });`;
    const { claims, problems } = scanTestSource("test/compat-cohere.test.ts", source);
    assert.deepEqual(problems, []);
    assert.deepEqual(
      claims.map(({ inbound, rows, columns }) => ({ inbound, rows, columns })),
      [
        { inbound: "openai", rows: ["cohere"], columns: ["stream", "usage"] },
        { inbound: "openai", rows: ["groq", "xai"], columns: ["tools"] },
        { inbound: "openai", rows: ["cohere"], columns: ["errors"] },
        { inbound: "anthropic", rows: ["translated"], columns: ["text"] },
      ],
    );
    const template = claims[2];
    assert.equal(template?.title, "[errors] maps ${status} (${cassette})");
    assert.ok(template?.namePattern.test("[errors] maps 404 (messages-error-404.cassette.yaml)"));
    assert.ok(!template?.namePattern.test("[errors] maps 404"));
  });

  it("refuses a misspelt tag, a claim without a vendor and a gap naming an unknown cell", () => {
    const misspelt = scanTestSource("test/compat-cohere.test.ts", `it("[stram] streams", () => {});`);
    assert.match(misspelt.problems[0] ?? "", /unknown tag \[stram\]/);
    const vendorless = scanTestSource("test/shared.test.ts", `it("[text] answers", () => {});`);
    assert.match(vendorless.problems[0] ?? "", /names no vendor/);
    const outsideRow = scanTestSource(
      "test/x.test.ts",
      `it("[inbound anthropic] [text] answers", () => {});`,
    );
    assert.match(outsideRow.problems[0] ?? "", /passthrough\/translated/);
    const gap = (entry: object) => JSON.stringify({ gaps: [{ reason: "r", tracking: "t", ...entry }] });
    assert.throws(() => parseCompatibilityGaps(gap({ vendor: "grok", column: "text" }), "gaps"), /not a row/);
    assert.throws(
      () => parseCompatibilityGaps(gap({ vendor: "groq", column: "txt" }), "gaps"),
      /not a matrix/,
    );
  });
});
