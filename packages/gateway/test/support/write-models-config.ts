import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Writes an aigateway.config.json holding `models` into a fresh temporary directory and returns its
 * path, for AIG_CONFIG: tests add their own catalog entries without touching the shipped catalog.
 */
export function writeModelsConfig(models: readonly unknown[]): string {
  const path = join(mkdtempSync(join(tmpdir(), "aig-models-")), "aigateway.config.json");
  writeFileSync(path, JSON.stringify({ models }));
  return path;
}
