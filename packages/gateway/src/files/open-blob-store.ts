import { join } from "node:path";
import type { S3Settings } from "../config/load-config.ts";
import type { BlobStore } from "./blob-store.ts";
import { createLocalBlobStore } from "./local-blob-store.ts";
import { createS3BlobStore } from "./s3-blob-store.ts";

/** S3 when a bucket is configured (shared by replicas), else local disk under `dataDir/files`. */
export async function openBlobStore(options: {
  s3: S3Settings | undefined;
  dataDir: string;
}): Promise<BlobStore> {
  if (options.s3) {
    return createS3BlobStore({ ...options.s3, stagingDirectory: join(options.dataDir, "files-staging") });
  }
  return createLocalBlobStore(join(options.dataDir, "files"));
}
