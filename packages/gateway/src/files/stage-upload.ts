import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { GatewayError } from "@aigateway/protocol";

export interface StagedUpload {
  path: string;
  bytes: number;
}

export function formatByteLimit(bytes: number): string {
  const units = ["bytes", "KiB", "MiB", "GiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && value % 1024 === 0 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value} ${units[unit] ?? "bytes"}`;
}

export function fileTooLarge(maxBytes: number): GatewayError {
  return new GatewayError("payload_too_large", {
    param: "file",
    message: `The file is larger than the ${formatByteLimit(maxBytes)} this gateway accepts.`,
  });
}

/**
 * Streams an upload into a new file in `directory`, counting bytes as they pass, so memory stays
 * bounded whatever the size. Past `maxBytes` the partial file is removed and a 413 thrown; the rest
 * of the source is drained (not read into memory) so the client can still read the answer.
 */
export async function stageUpload(
  source: Readable,
  directory: string,
  maxBytes: number,
): Promise<StagedUpload> {
  const path = join(directory, randomUUID());
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      if (bytes > maxBytes) callback(fileTooLarge(maxBytes));
      else callback(null, chunk);
    },
  });
  // pipeline destroys the source on failure; a request part must be drained instead, so the source
  // is piped by hand into the counter and only the counter joins the pipeline.
  source.pipe(counter);
  source.once("error", (error) => counter.destroy(error));
  try {
    await pipeline(counter, createWriteStream(path, { flags: "wx" }));
  } catch (error) {
    source.unpipe(counter);
    source.resume();
    await rm(path, { force: true });
    throw error;
  }
  return { path, bytes };
}

export async function discardStagedUpload(staged: StagedUpload): Promise<void> {
  await rm(staged.path, { force: true });
}
