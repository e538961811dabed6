// An upstream JSON answer (a chat completion, an embeddings list) is usually already what the client
// should get, except for two values: `model` (the upstream id → our slug) and `usage.cost` (ours).
// Editing those two spots in the bytes avoids re-serialising the whole answer and re-encoding it to
// UTF-8, which the benchmark profile showed to be most of the gateway's CPU on non-streamed requests.

const quote = 0x22;
const backslash = 0x5c;
const openBrace = 0x7b;
const closeBrace = 0x7d;
const openBracket = 0x5b;
const closeBracket = 0x5d;
const comma = 0x2c;
const colon = 0x3a;

const isWhitespace = (byte: number | undefined): boolean =>
  byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;

/**
 * Index of the quote that closes a string whose content starts at `from` (or the length when none).
 * Strings are most of an answer's bytes: jumping between quotes with the native indexOf instead of
 * stepping byte by byte in JavaScript is what makes the scan cheap. A quote preceded by an odd number
 * of backslashes is escaped and skipped. `bytes` must be a plain Uint8Array view: Buffer's own indexOf
 * handles its arguments at a cost larger than a short search.
 */
function findClosingQuote(bytes: Uint8Array, from: number): number {
  let position = from;
  for (;;) {
    const next = bytes.indexOf(quote, position);
    if (next === -1) return bytes.length;
    let backslashes = 0;
    while (next - backslashes - 1 >= from && bytes[next - backslashes - 1] === backslash) backslashes++;
    if (backslashes % 2 === 0) return next;
    position = next + 1;
  }
}

export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Byte ranges of the named top-level values of a JSON object, found by one scan that tracks only
 * nesting and strings. The input must be valid JSON (the caller has parsed it already).
 */
export function findTopLevelValues(bytes: Uint8Array, names: readonly string[]): Map<string, ByteRange> {
  const found = new Map<string, ByteRange>();
  const view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  let depth = 0;
  let expectKey = false;
  let awaitingColon = false;
  let key: string | undefined;
  let valueStart = -1;
  const finishValue = (end: number): void => {
    if (key !== undefined && names.includes(key)) {
      let trimmed = end;
      while (trimmed > valueStart && isWhitespace(bytes[trimmed - 1])) trimmed--;
      found.set(key, { start: valueStart, end: trimmed });
    }
    key = undefined;
  };
  for (let index = 0; index < bytes.length; index++) {
    const byte = bytes[index];
    if (byte === quote) {
      const stringStart = index + 1;
      index = findClosingQuote(view, stringStart);
      if (depth === 1 && expectKey) {
        key = Buffer.from(bytes.buffer, bytes.byteOffset + stringStart, index - stringStart).toString("utf8");
        expectKey = false;
        awaitingColon = true;
      }
    } else if (byte === colon && depth === 1 && awaitingColon) {
      awaitingColon = false;
      valueStart = index + 1;
      while (isWhitespace(bytes[valueStart])) valueStart++;
    } else if (byte === openBrace || byte === openBracket) {
      depth++;
      if (depth === 1) expectKey = byte === openBrace;
    } else if (byte === closeBrace || byte === closeBracket) {
      if (depth === 1) finishValue(index);
      depth--;
    } else if (byte === comma && depth === 1) {
      finishValue(index);
      expectKey = true;
    }
  }
  return found;
}

/**
 * The answer's bytes with `model` set to the slug and `cost` appended to `usage`, or undefined
 * when the bytes do not have the expected shape (the caller then serialises the object instead).
 */
export function patchModelAndCost(raw: Buffer, slug: string, costUsd: number): Buffer | undefined {
  const values = findTopLevelValues(raw, ["model", "usage"]);
  const model = values.get("model");
  const usage = values.get("usage");
  if (!model || raw[model.start] !== quote || !usage || raw[usage.start] !== openBrace) return undefined;
  const usageClose = usage.end - 1;
  let beforeClose = usageClose - 1;
  while (isWhitespace(raw[beforeClose])) beforeClose--;
  const cost = `${raw[beforeClose] === openBrace ? "" : ","}"cost":${JSON.stringify(costUsd)}`;
  const edits = [
    { start: model.start, end: model.end, text: JSON.stringify(slug) },
    { start: usageClose, end: usageClose, text: cost },
  ].sort((left, right) => left.start - right.start);
  const parts: Buffer[] = [];
  let position = 0;
  for (const edit of edits) {
    parts.push(raw.subarray(position, edit.start), Buffer.from(edit.text));
    position = edit.end;
  }
  parts.push(raw.subarray(position));
  return Buffer.concat(parts);
}
