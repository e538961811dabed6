// `npm run compat`: runs the compatibility tests and writes docs/compatibility.md (exit 1 when a test
// failed or the matrix has a hole). `--check`: rebuilds the document from the test titles and the gaps
// file without running anything, and exits 1 when the committed file differs. See the document's
// header for why the check does not run the tests.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import * as prettier from "prettier";
import { buildCompatibilityMatrix, type ClaimStatus } from "./compatibility/build-compatibility-matrix.ts";
import {
  compatibilityTestDirectory,
  inboundAnthropicTestFiles,
  sharedVendorTestFiles,
} from "./compatibility/matrix-layout.ts";
import { readCompatibilityGaps } from "./compatibility/read-compatibility-gaps.ts";
import { renderCompatibilityDocument } from "./compatibility/render-compatibility-document.ts";
import { runCompatibilityTests, type TestResult } from "./compatibility/run-compatibility-tests.ts";
import { scanTestSource, type CompatibilityClaim } from "./compatibility/scan-compatibility-claims.ts";

const repositoryRoot = fileURLToPath(new URL("../", import.meta.url));
const documentPath = join(repositoryRoot, "docs/compatibility.md");
const gapsPath = join(repositoryRoot, "docs/compatibility-gaps.json");
const testDirectory = join(repositoryRoot, compatibilityTestDirectory);

const { values: flags } = parseArgs({ options: { check: { type: "boolean", default: false } } });

function listTestFiles(): string[] {
  const compatFiles = readdirSync(testDirectory)
    .filter((name) => /^compat-.+\.test\.ts$/.test(name))
    .sort();
  return [...compatFiles, ...sharedVendorTestFiles, ...inboundAnthropicTestFiles].map((name) =>
    join(testDirectory, name),
  );
}

function statusFromResults(results: TestResult[]): (claim: CompatibilityClaim) => ClaimStatus {
  return (claim) => {
    const matched = results.filter(
      (result) => result.file === claim.file && claim.namePattern.test(result.name),
    );
    if (matched.length === 0) return "not run";
    if (matched.some((result) => result.outcome === "fail")) return "fail";
    if (matched.some((result) => result.outcome === "skip")) return "skipped";
    return "pass";
  };
}

function fail(lines: string[]): never {
  for (const line of lines) console.error(line);
  process.exit(1);
}

const files = listTestFiles();
const missingFiles = files.filter((file) => !existsSync(file));
if (missingFiles.length > 0) fail(missingFiles.map((file) => `compat: test file not found: ${file}`));

const claims: CompatibilityClaim[] = [];
const problems: string[] = [];
for (const file of files) {
  const scanned = scanTestSource(file, readFileSync(file, "utf8"));
  claims.push(...scanned.claims);
  problems.push(...scanned.problems);
}
const gaps = readCompatibilityGaps(gapsPath);

let statusOf: (claim: CompatibilityClaim) => ClaimStatus = () => "pass";
if (!flags.check) {
  console.log(`compat: running ${files.length} test files (${claims.length} claiming tests)…`);
  const results = await runCompatibilityTests(files);
  for (const result of results.filter((entry) => entry.outcome === "fail")) {
    console.error(`compat: FAILED ${result.file}: ${result.name}\n  ${result.error ?? ""}`);
  }
  statusOf = statusFromResults(results);
}

const matrix = buildCompatibilityMatrix(claims, gaps, statusOf);
problems.push(...matrix.problems);
if (problems.length > 0)
  fail(["compat: the matrix cannot be built:", ...problems.map((line) => `  ${line}`)]);

const markdown = await prettier.format(renderCompatibilityDocument(matrix), {
  ...(await prettier.resolveConfig(documentPath)),
  filepath: documentPath,
});

if (flags.check) {
  const committed = existsSync(documentPath) ? readFileSync(documentPath, "utf8") : "";
  if (committed !== markdown) {
    const committedLines = committed.split("\n");
    const firstDifference = markdown.split("\n").findIndex((line, index) => line !== committedLines[index]);
    fail([
      `compat: docs/compatibility.md is stale (first difference at line ${firstDifference + 1}).`,
      "Regenerate it with `npm run compat` (it runs the compatibility tests) and commit the result.",
    ]);
  }
  console.log(
    `compat: docs/compatibility.md is up to date (${claims.length} claiming tests, ${gaps.length} gaps)`,
  );
} else {
  writeFileSync(documentPath, markdown);
  console.log(`compat: wrote docs/compatibility.md (${claims.length} claiming tests, ${gaps.length} gaps)`);
  if (matrix.failedClaims.length > 0) {
    fail([
      "compat: these claims did not pass, so their cells show ✗:",
      ...matrix.failedClaims.map(({ claim, status }) => `  ${status}: ${claim.file}: ${claim.title}`),
    ]);
  }
}
