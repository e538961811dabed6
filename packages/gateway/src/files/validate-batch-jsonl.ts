import { GatewayError } from "@aigateway/protocol";

/** The endpoints a batch line may call: the ones the gateway batches. */
export const batchEndpoints = ["/v1/chat/completions", "/v1/embeddings"] as const;

export interface BatchFileSummary {
  requests: number;
}

export interface ValidateBatchOptions {
  /** A longer line is refused rather than held in memory. */
  maxLineBytes: number;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function lineError(line: number, problem: string): GatewayError {
  return new GatewayError("invalid_request", {
    param: "file",
    message: `Invalid batch file: line ${line} ${problem}. Each line must be a JSON object with custom_id, method "POST", url and body.`,
  });
}

function checkLine(text: string, line: number, seenIds: Set<string>): void {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw lineError(line, "is not valid JSON");
  }
  if (!isObject(value)) throw lineError(line, "is not a JSON object");
  const { custom_id: customId, method, url, body } = value;
  if (typeof customId !== "string" || customId.length === 0) {
    throw lineError(line, "has no custom_id (a non-empty string)");
  }
  if (seenIds.has(customId)) throw lineError(line, `repeats custom_id "${customId}"`);
  seenIds.add(customId);
  if (method !== "POST") throw lineError(line, 'has a method other than "POST"');
  if (typeof url !== "string" || !(batchEndpoints as readonly string[]).includes(url)) {
    throw lineError(line, `has url ${JSON.stringify(url)}; expected one of ${batchEndpoints.join(", ")}`);
  }
  if (!isObject(body)) throw lineError(line, "has no body object");
}

/**
 * Checks a batch input file line by line as it streams (blank lines are skipped), so batches can
 * trust it later. Throws a 400 naming the first bad line.
 */
export async function validateBatchJsonl(
  source: AsyncIterable<Buffer | string>,
  options: ValidateBatchOptions,
): Promise<BatchFileSummary> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const seenIds = new Set<string>();
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let line = 0;
  let requests = 0;

  function finishLine(bytes: Buffer): void {
    line += 1;
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch {
      throw lineError(line, "is not valid UTF-8");
    }
    if (text.trim() === "") return;
    checkLine(text, line, seenIds);
    requests += 1;
  }

  for await (const chunk of source) {
    let data = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
    for (let newline = data.indexOf(10); newline >= 0; newline = data.indexOf(10)) {
      const piece = data.subarray(0, newline);
      if (pendingBytes + piece.length > options.maxLineBytes) {
        throw lineError(line + 1, `is longer than ${options.maxLineBytes} bytes`);
      }
      finishLine(pending.length === 0 ? piece : Buffer.concat([...pending, piece]));
      pending = [];
      pendingBytes = 0;
      data = data.subarray(newline + 1);
    }
    if (data.length > 0) {
      pendingBytes += data.length;
      if (pendingBytes > options.maxLineBytes) {
        throw lineError(line + 1, `is longer than ${options.maxLineBytes} bytes`);
      }
      pending.push(data);
    }
  }
  if (pendingBytes > 0) finishLine(Buffer.concat(pending));
  if (requests === 0) {
    throw new GatewayError("invalid_request", {
      param: "file",
      message: "Invalid batch file: it holds no requests. Write one JSON request object per line.",
    });
  }
  return { requests };
}
