import { createReadStream } from "node:fs";
import { mkdir, unlink } from "node:fs/promises";
import { Readable } from "node:stream";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { assertSafeBlobKey, type BlobStore } from "./blob-store.ts";

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface S3BlobStoreOptions {
  bucket: string;
  region: string;
  /** For S3-compatible stores (MinIO, R2, …); unset means AWS. */
  endpoint: string | undefined;
  forcePathStyle: boolean;
  /** Unset: the AWS SDK's default chain (environment, shared config, instance role). */
  credentials: S3Credentials | undefined;
  /** Local directory where uploads are staged before they are sent. */
  stagingDirectory: string;
}

const isNotFound = (error: unknown): boolean =>
  error instanceof S3ServiceException &&
  (error.name === "NoSuchKey" || error.name === "NotFound" || error.$metadata.httpStatusCode === 404);

/** Blobs in an S3 bucket (or any S3-compatible store). */
export async function createS3BlobStore(options: S3BlobStoreOptions): Promise<BlobStore> {
  await mkdir(options.stagingDirectory, { recursive: true });
  const client = new S3Client({
    region: options.region,
    forcePathStyle: options.forcePathStyle,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    // The SDK's default streams uploads as aws-chunked with trailing checksums, which several
    // S3-compatible stores refuse; the staged file's known length makes a plain PUT possible.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  const { bucket } = options;

  return {
    kind: "s3",
    stagingDirectory: options.stagingDirectory,
    async putFile(key, stagedPath, { bytes, contentType }) {
      assertSafeBlobKey(key);
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: createReadStream(stagedPath),
          ContentLength: bytes,
          ContentType: contentType,
        }),
      );
      await unlink(stagedPath);
    },
    async get(key) {
      assertSafeBlobKey(key);
      try {
        const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        if (!(response.Body instanceof Readable)) throw new Error("S3 returned no readable body");
        return { body: response.Body, bytes: response.ContentLength ?? 0 };
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
    async stat(key) {
      assertSafeBlobKey(key);
      try {
        const response = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return { bytes: response.ContentLength ?? 0 };
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
    async delete(key) {
      assertSafeBlobKey(key);
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
    async close() {
      client.destroy();
    },
  };
}
