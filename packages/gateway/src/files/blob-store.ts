import type { Readable } from "node:stream";

export interface StoredBlob {
  body: Readable;
  bytes: number;
}

/**
 * Where file bytes live: local disk or an S3-compatible bucket. Bytes always arrive as a staged file
 * on local disk: the upload limit is enforced while staging, before anything reaches the store, and
 * S3's PutObject needs the length up front (multipart upload helpers are not a dependency).
 */
export interface BlobStore {
  readonly kind: "local" | "s3";
  /** Where uploads are staged; on the local store's own filesystem, so storing one is a rename. */
  readonly stagingDirectory: string;
  /** Moves a staged file into the store under `key`, replacing what was there. */
  putFile(key: string, stagedPath: string, options: { bytes: number; contentType: string }): Promise<void>;
  get(key: string): Promise<StoredBlob | undefined>;
  /** The size of a stored blob, or undefined when there is none. */
  stat(key: string): Promise<{ bytes: number } | undefined>;
  /** Removes a blob; removing one that is not there is not an error. */
  delete(key: string): Promise<void>;
  close(): Promise<void>;
}

// Letters, digits, '.', '_' and '-', not starting with '.': no segment can be '.', '..', hidden, or
// carry a separator, so a key can never name a path outside the store's root.
const safeSegment = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,254}$/;

export function isSafeKeySegment(segment: string): boolean {
  return safeSegment.test(segment);
}

/** Joins segments into a blob key, refusing any segment that is not safe as a path component. */
export function toBlobKey(...segments: string[]): string {
  for (const segment of segments) {
    if (!isSafeKeySegment(segment)) throw new Error(`unsafe blob key segment ${JSON.stringify(segment)}`);
  }
  return segments.join("/");
}

export function assertSafeBlobKey(key: string): void {
  toBlobKey(...key.split("/"));
}
