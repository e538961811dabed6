// docs/compatibility-gaps.json: the hand-kept list of cells no test covers, each with why and where
// it is tracked. Validated strictly, so a misspelt vendor or column cannot silently fill nothing.
import { readFileSync } from "node:fs";
import { matrixColumns, rowsByInbound, type Inbound, type MatrixColumn } from "./matrix-layout.ts";

export interface CompatibilityGap {
  inbound: Inbound;
  /** A row of the inbound's table: a vendor, or passthrough/translated for inbound Anthropic. */
  vendor: string;
  column: MatrixColumn;
  reason: string;
  tracking: string;
}

function readText(entry: Record<string, unknown>, field: string, where: string): string {
  const value = entry[field];
  if (typeof value !== "string" || value.trim().length === 0) {
    throw new Error(`${where}: "${field}" must be a non-empty string`);
  }
  return value;
}

export function parseCompatibilityGaps(text: string, path: string): CompatibilityGap[] {
  const parsed = JSON.parse(text) as unknown;
  const entries = (parsed as { gaps?: unknown }).gaps;
  if (!Array.isArray(entries)) throw new Error(`${path}: expected {"gaps": [...]}`);
  return entries.map((raw: unknown, index) => {
    const where = `${path} gaps[${index}]`;
    if (typeof raw !== "object" || raw === null) throw new Error(`${where}: expected an object`);
    const entry = raw as Record<string, unknown>;
    const inbound = entry.inbound ?? "openai";
    if (inbound !== "openai" && inbound !== "anthropic") {
      throw new Error(`${where}: "inbound" must be "openai" or "anthropic"`);
    }
    const vendor = readText(entry, "vendor", where);
    if (!rowsByInbound[inbound].includes(vendor)) {
      throw new Error(`${where}: "${vendor}" is not a row of the inbound ${inbound} table`);
    }
    const column = readText(entry, "column", where);
    if (!(matrixColumns as readonly string[]).includes(column)) {
      throw new Error(`${where}: "${column}" is not a matrix column`);
    }
    return {
      inbound,
      vendor,
      column: column as MatrixColumn,
      reason: readText(entry, "reason", where),
      tracking: readText(entry, "tracking", where),
    };
  });
}

export function readCompatibilityGaps(path: string): CompatibilityGap[] {
  return parseCompatibilityGaps(readFileSync(path, "utf8"), path);
}
