// Fills every (inbound, row, column) cell from the claims, their tests' outcomes and the gaps file,
// and lists what makes the matrix wrong: a cell with neither a test nor a gap, or a gap for a cell
// that has a test (the gap entry is stale and must go).
import type { CompatibilityGap } from "./read-compatibility-gaps.ts";
import type { CompatibilityClaim } from "./scan-compatibility-claims.ts";
import { matrixColumns, rowsByInbound, type Inbound, type MatrixColumn } from "./matrix-layout.ts";

/** "not run": no reported test matched the title (its file or describe() was skipped, or it was renamed). */
export type ClaimStatus = "pass" | "fail" | "skipped" | "not run";

export interface CheckedClaim {
  claim: CompatibilityClaim;
  status: ClaimStatus;
}

export type MatrixCell =
  | { kind: "tested"; passed: boolean; claims: CheckedClaim[] }
  | { kind: "gap"; gap: CompatibilityGap; gapId: string }
  | { kind: "missing" };

export interface MatrixTable {
  inbound: Inbound;
  rows: { row: string; cells: Record<MatrixColumn, MatrixCell> }[];
}

export interface CompatibilityMatrix {
  tables: MatrixTable[];
  gaps: { gapId: string; gap: CompatibilityGap }[];
  problems: string[];
  failedClaims: CheckedClaim[];
}

export function buildCompatibilityMatrix(
  claims: CompatibilityClaim[],
  gaps: CompatibilityGap[],
  statusOf: (claim: CompatibilityClaim) => ClaimStatus,
): CompatibilityMatrix {
  const checked = claims.map((claim) => ({ claim, status: statusOf(claim) }));
  const problems: string[] = [];
  const usedGaps: { gapId: string; gap: CompatibilityGap }[] = [];
  const seenGaps = new Set<string>();
  const tables: MatrixTable[] = (["openai", "anthropic"] as const).map((inbound) => ({
    inbound,
    rows: rowsByInbound[inbound].map((row) => {
      const cells = {} as Record<MatrixColumn, MatrixCell>;
      for (const column of matrixColumns) {
        const cellClaims = checked.filter(
          ({ claim }) =>
            claim.inbound === inbound && claim.rows.includes(row) && claim.columns.includes(column),
        );
        const matchingGaps = gaps.filter(
          (gap) => gap.inbound === inbound && gap.vendor === row && gap.column === column,
        );
        const cellName = `inbound ${inbound}, ${row} × ${column}`;
        const key = `${inbound}/${row}/${column}`;
        if (seenGaps.has(key) || matchingGaps.length > 1)
          problems.push(`${cellName}: more than one gap entry`);
        seenGaps.add(key);
        const gap = matchingGaps[0];
        if (cellClaims.length > 0) {
          if (gap) problems.push(`${cellName}: has tests, so its gap entry is stale — remove it`);
          cells[column] = {
            kind: "tested",
            passed: cellClaims.every(({ status }) => status === "pass"),
            claims: cellClaims,
          };
        } else if (gap) {
          const gapId = `g${usedGaps.length + 1}`;
          usedGaps.push({ gapId, gap });
          cells[column] = { kind: "gap", gap, gapId };
        } else {
          problems.push(`${cellName}: no test claims it and docs/compatibility-gaps.json names no gap`);
          cells[column] = { kind: "missing" };
        }
      }
      return { row, cells };
    }),
  }));
  return {
    tables,
    gaps: usedGaps,
    problems,
    failedClaims: checked.filter(({ status }) => status !== "pass"),
  };
}
