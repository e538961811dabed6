import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import type { BatchErrorEntry } from "../storage/storage.ts";

export interface BatchInputLine {
  index: number;
  customId: string;
  body: string;
}

export interface BatchInput {
  lines: BatchInputLine[];
  errors: BatchErrorEntry[];
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Reads a batch input file into its requests, checking each line against the batch's endpoint (OpenAI
 * requires every line's `url` to match it). Problems are collected (up to `maxErrors`) in OpenAI's
 * `errors.data` shape, with 1-based line numbers, rather than thrown: a bad file fails the batch.
 */
export async function readBatchInput(
  source: Readable,
  endpoint: string,
  limits: { maxRequests: number; maxErrors: number },
): Promise<BatchInput> {
  const lines: BatchInputLine[] = [];
  const errors: BatchErrorEntry[] = [];
  const seen = new Set<string>();
  let lineNumber = 0;
  const problem = (code: string, message: string, param: string | null): void => {
    if (errors.length < limits.maxErrors) errors.push({ code, message, param, line: lineNumber });
  };
  for await (const text of createInterface({ input: source, crlfDelay: Infinity })) {
    lineNumber += 1;
    if (text.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      problem("invalid_json_line", "This line is not valid JSON.", null);
      continue;
    }
    if (!isObject(value)) {
      problem("invalid_request", "This line is not a JSON object.", null);
      continue;
    }
    const { custom_id: customId, method, url, body } = value;
    if (typeof customId !== "string" || customId.length === 0) {
      problem("missing_required_parameter", "custom_id is required.", "custom_id");
      continue;
    }
    if (seen.has(customId)) {
      problem(
        "duplicate_custom_id",
        `custom_id '${customId}' is used by more than one request.`,
        "custom_id",
      );
      continue;
    }
    seen.add(customId);
    if (method !== "POST") {
      problem("invalid_method", "method must be POST.", "method");
      continue;
    }
    if (url !== endpoint) {
      problem(
        "mismatched_endpoint",
        `url ${JSON.stringify(url)} does not match the batch endpoint ${endpoint}.`,
        "url",
      );
      continue;
    }
    if (!isObject(body)) {
      problem("invalid_request", "body must be a JSON object.", "body");
      continue;
    }
    if (lines.length >= limits.maxRequests) {
      problem("too_many_requests", `A batch holds at most ${limits.maxRequests} requests.`, null);
      break;
    }
    lines.push({ index: lines.length, customId, body: JSON.stringify(body) });
  }
  if (lines.length === 0 && errors.length === 0) {
    errors.push({
      code: "empty_file",
      message: "The input file holds no requests.",
      param: null,
      line: null,
    });
  }
  return { lines, errors };
}
