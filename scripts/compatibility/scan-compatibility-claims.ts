// Reads the matrix's claims straight from the test sources: every `it("[column] …")` / `test(…)` whose
// title starts with bracketed tags claims the cells those tags name. Parsing with the TypeScript
// compiler (not a regex over lines) gives each test its enclosing describe() titles, which is how
// inbound-Anthropic tests say whether they are the passthrough or the translated row.
import { basename } from "node:path";
import ts from "typescript";
import {
  ignoredTags,
  inboundAnthropicTag,
  matrixColumns,
  openaiInboundRows,
  type Inbound,
  type MatrixColumn,
} from "./matrix-layout.ts";

export interface CompatibilityClaim {
  inbound: Inbound;
  rows: string[];
  columns: MatrixColumn[];
  /** The test file's name, e.g. compat-anthropic.test.ts. */
  file: string;
  /** The title as written in the source; a template literal keeps its `${…}` placeholders. */
  title: string;
  /** Matches the concrete names the test runner reports for this title. */
  namePattern: RegExp;
}

export interface ScanResult {
  claims: CompatibilityClaim[];
  /** Titles whose tags cannot be placed in the matrix; any of these fails the generator. */
  problems: string[];
}

const testFunctionNames = new Set(["it", "test"]);
const suiteFunctionNames = new Set(["describe", "suite"]);
const leadingTag = /^\[([^\]]+)\]\s*/;

function isColumn(tag: string): tag is MatrixColumn {
  return (matrixColumns as readonly string[]).includes(tag);
}

function isOpenaiRow(tag: string): boolean {
  return (openaiInboundRows as readonly string[]).includes(tag);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The title's source text, and a pattern for what the runner reports (placeholders match anything). */
function readTitle(
  argument: ts.Expression,
  source: ts.SourceFile,
): { title: string; pattern: RegExp } | null {
  if (ts.isStringLiteral(argument) || ts.isNoSubstitutionTemplateLiteral(argument)) {
    return { title: argument.text, pattern: new RegExp(`^${escapeRegExp(argument.text)}$`) };
  }
  if (ts.isTemplateExpression(argument)) {
    const title = argument.getText(source).slice(1, -1);
    const pieces = [argument.head.text, ...argument.templateSpans.map((span) => span.literal.text)];
    return { title, pattern: new RegExp(`^${pieces.map(escapeRegExp).join(".+?")}$`) };
  }
  return null;
}

function calleeName(call: ts.CallExpression): string | undefined {
  const callee = call.expression;
  if (ts.isIdentifier(callee)) return callee.text;
  // it.only / describe.skip and the like still name the same kind of block.
  if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression))
    return callee.expression.text;
  return undefined;
}

function vendorOfFile(file: string): string | undefined {
  return /^compat-(.+)\.test\.ts$/.exec(file)?.[1];
}

function anthropicRowOf(suites: string[]): string | undefined {
  if (suites.some((suite) => /passthrough/i.test(suite))) return "passthrough";
  if (suites.some((suite) => /translated/i.test(suite))) return "translated";
  return undefined;
}

function classify(
  file: string,
  title: string,
  pattern: RegExp,
  suites: string[],
): { claim?: CompatibilityClaim; problem?: string } {
  const tags: string[] = [];
  let rest = title;
  for (let match = leadingTag.exec(rest); match; match = leadingTag.exec(rest)) {
    tags.push((match[1] ?? "").trim());
    rest = rest.slice(match[0].length);
  }
  if (tags.length === 0) return {};
  const where = `${file}: "${title}"`;
  const columns: MatrixColumn[] = [];
  const vendors: string[] = [];
  let inboundAnthropic = false;
  for (const tag of tags) {
    if (isColumn(tag)) columns.push(tag);
    else if (isOpenaiRow(tag)) vendors.push(tag);
    else if (tag === inboundAnthropicTag) inboundAnthropic = true;
    else if (!ignoredTags.includes(tag)) {
      return { problem: `${where}: unknown tag [${tag}] (columns: ${matrixColumns.join(", ")})` };
    }
  }
  if (columns.length === 0) {
    return vendors.length > 0 || inboundAnthropic ? { problem: `${where}: names no matrix column` } : {};
  }
  if (inboundAnthropic) {
    const row = anthropicRowOf(suites);
    if (!row)
      return { problem: `${where}: inbound Anthropic test outside a passthrough/translated describe()` };
    return { claim: { inbound: "anthropic", rows: [row], columns, file, title, namePattern: pattern } };
  }
  const fileVendor = vendorOfFile(file);
  const rows = vendors.length > 0 ? vendors : fileVendor ? [fileVendor] : [];
  if (rows.length === 0) return { problem: `${where}: names no vendor ([openai], [groq], …)` };
  const unknown = rows.find((row) => !isOpenaiRow(row));
  if (unknown) return { problem: `${where}: vendor ${unknown} is not a matrix row` };
  return { claim: { inbound: "openai", rows, columns, file, title, namePattern: pattern } };
}

/** Claims of one test file's source text; `path` only names the file. */
export function scanTestSource(path: string, sourceText: string): ScanResult {
  const file = basename(path);
  const source = ts.createSourceFile(file, sourceText, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const result: ScanResult = { claims: [], problems: [] };
  const visit = (node: ts.Node, suites: string[]): void => {
    if (ts.isCallExpression(node)) {
      const name = calleeName(node);
      const first = node.arguments[0];
      const title = first ? readTitle(first, source) : null;
      if (name && title && suiteFunctionNames.has(name)) {
        ts.forEachChild(node, (child) => visit(child, [...suites, title.title]));
        return;
      }
      if (name && title && testFunctionNames.has(name)) {
        const { claim, problem } = classify(file, title.title, title.pattern, suites);
        if (claim) result.claims.push(claim);
        if (problem) result.problems.push(problem);
      }
    }
    ts.forEachChild(node, (child) => visit(child, suites));
  };
  visit(source, []);
  return result;
}
