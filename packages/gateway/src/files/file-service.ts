import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";
import { GatewayError } from "@aigateway/protocol";
import type { FileRecord, FileStore, JobFileRecord } from "../storage/storage.ts";
import { isSafeKeySegment, toBlobKey, type BlobStore } from "./blob-store.ts";
import type { FilePurpose } from "./file-purpose.ts";
import {
  checkJobFileSignature,
  readPresentedSignature,
  signJobFile,
  type SignatureCheck,
} from "./signed-url.ts";
import type { SigningKey } from "./signing-keys.ts";
import { discardStagedUpload, stageUpload, type StagedUpload } from "./stage-upload.ts";
import { validateBatchJsonl } from "./validate-batch-jsonl.ts";

export interface FileServiceOptions {
  store: FileStore;
  blobs: BlobStore;
  maxBytes: number;
  /** How long job results are kept; null keeps them until deleted. */
  jobFileRetentionMs: number | null;
  /** The first key signs; every key verifies. Never empty. */
  signingKeys: readonly SigningKey[];
  now?: () => number;
  onError?: (message: string, details: Record<string, unknown>) => void;
}

export interface NewFile {
  filename: string;
  purpose: FilePurpose;
  /** From `expires_after` (anchor created_at); undefined keeps the file until deleted. */
  expiresAfterSeconds?: number | undefined;
}

export interface FileListOptions {
  purpose: string | undefined;
  limit: number;
  order: "asc" | "desc";
  after: string | undefined;
}

export interface OpenedBlob<Record> {
  record: Record;
  body: Readable;
  bytes: number;
}

export interface SignedUrlPath {
  /** Path and query, to be put after the gateway's public origin. */
  path: string;
  /** Unix seconds. */
  expiresAt: number;
}

export interface SweepResult {
  files: number;
  jobFiles: number;
}

export interface FileService {
  readonly maxBytes: number;
  /** Writes an upload to local staging, counting bytes; a 413 past the limit. */
  stageUpload(source: Readable): Promise<StagedUpload>;
  discardStagedUpload(staged: StagedUpload): Promise<void>;
  /** Validates (batch files line by line), stores and records a staged upload. */
  createFile(accountId: string, staged: StagedUpload, file: NewFile): Promise<FileRecord>;
  /** Stores a file the gateway itself produced, e.g. a batch's output (`purpose: "batch_output"`). */
  saveFile(accountId: string, source: Readable, file: NewFile): Promise<FileRecord>;
  getFile(accountId: string, id: string): Promise<FileRecord>;
  listFiles(accountId: string, options: FileListOptions): Promise<{ files: FileRecord[]; hasMore: boolean }>;
  deleteFile(accountId: string, id: string): Promise<void>;
  openFileContent(accountId: string, id: string): Promise<OpenedBlob<FileRecord>>;
  /** Stores (or replaces) a job's result file; it is kept for the configured retention. */
  saveJobResult(
    accountId: string,
    jobId: string,
    filename: string,
    source: Readable,
    contentType: string,
  ): Promise<JobFileRecord>;
  getJobResult(accountId: string, jobId: string, filename: string): Promise<JobFileRecord>;
  openJobResult(accountId: string, jobId: string, filename: string): Promise<OpenedBlob<JobFileRecord>>;
  /** Mints the public path of a job result, valid for `expiresInSeconds`. */
  signJobResultPath(
    accountId: string,
    jobId: string,
    filename: string,
    expiresInSeconds: number,
  ): Promise<SignedUrlPath>;
  /** Serves a public signed URL: 400 malformed or expired, 403 forged or unknown key, 404 gone. */
  openSignedJobResult(
    jobId: string,
    filename: string,
    query: Record<string, unknown>,
  ): Promise<OpenedBlob<JobFileRecord>>;
  /** Deletes files and job results past their expiry; returns how many. */
  sweepExpired(): Promise<SweepResult>;
}

const jobIdPattern = /^[A-Za-z0-9_-]{1,128}$/;
const maxFilenameLength = 255;
const sweepBatchSize = 100;

const fileNotFound = (id: string): GatewayError =>
  new GatewayError("not_found", { param: "id", message: `No such file: '${id}'.` });

const jobFileNotFound = (jobId: string, filename: string): GatewayError =>
  new GatewayError("not_found", { message: `No result file '${filename}' for job '${jobId}'.` });

function generateFileId(): string {
  return `file-${randomBytes(18).toString("base64url")}`;
}

// Account ids come from elsewhere; one that is not a safe path segment is hashed rather than refused.
function toAccountSegment(accountId: string): string {
  return isSafeKeySegment(accountId)
    ? accountId
    : `h${createHash("sha256").update(accountId).digest("hex").slice(0, 40)}`;
}

/** True for a job id and result file name that are safe in a blob key and a URL path segment. */
export function isValidJobFilePath(jobId: string, filename: string): boolean {
  return jobIdPattern.test(jobId) && isSafeKeySegment(filename);
}

export function createFileService(options: FileServiceOptions): FileService {
  const { store, blobs, maxBytes } = options;
  const now = options.now ?? Date.now;
  const onError = options.onError ?? (() => undefined);
  const [signingKey] = options.signingKeys;
  if (!signingKey) throw new Error("the file service needs at least one signing key");

  const isExpired = (expiresAt: number | null): boolean => expiresAt !== null && expiresAt <= now();

  async function deleteBlob(key: string): Promise<void> {
    // The row is gone already, so the file is invisible; a failed blob delete only leaks storage.
    await blobs.delete(key).catch((error: unknown) => {
      onError("could not delete a file's bytes", { key, error: String(error) });
    });
  }

  async function createFile(accountId: string, staged: StagedUpload, file: NewFile): Promise<FileRecord> {
    try {
      if (file.filename.length > maxFilenameLength) {
        throw new GatewayError("invalid_request", {
          param: "file",
          message: `The file name is longer than ${maxFilenameLength} characters.`,
        });
      }
      if (file.purpose === "batch") {
        await validateBatchJsonl(createReadStream(staged.path), { maxLineBytes: maxBytes });
      }
      const id = generateFileId();
      const createdAt = now();
      const record: FileRecord = {
        id,
        accountId,
        filename: file.filename,
        purpose: file.purpose,
        bytes: staged.bytes,
        blobKey: toBlobKey("files", toAccountSegment(accountId), id),
        createdAt,
        expiresAt:
          file.expiresAfterSeconds === undefined ? null : createdAt + file.expiresAfterSeconds * 1000,
      };
      await blobs.putFile(record.blobKey, staged.path, {
        bytes: staged.bytes,
        contentType: "application/octet-stream",
      });
      try {
        await store.insertFile(record);
      } catch (error) {
        await deleteBlob(record.blobKey);
        throw error;
      }
      return record;
    } finally {
      await discardStagedUpload(staged);
    }
  }

  async function getFile(accountId: string, id: string): Promise<FileRecord> {
    const record = await store.findFile(accountId, id);
    if (!record || isExpired(record.expiresAt)) throw fileNotFound(id);
    return record;
  }

  async function getJobResult(accountId: string, jobId: string, filename: string): Promise<JobFileRecord> {
    if (!isValidJobFilePath(jobId, filename)) throw jobFileNotFound(jobId, filename);
    const record = await store.findJobFile(accountId, jobId, filename);
    if (!record || isExpired(record.expiresAt)) throw jobFileNotFound(jobId, filename);
    return record;
  }

  async function openJobBlob(record: JobFileRecord): Promise<OpenedBlob<JobFileRecord>> {
    const blob = await blobs.get(record.blobKey);
    if (!blob) throw jobFileNotFound(record.jobId, record.filename);
    return { record, ...blob };
  }

  async function sweepTable<Record>(
    list: (now: number, limit: number) => Promise<Record[]>,
    remove: (record: Record) => Promise<void>,
  ): Promise<number> {
    let removed = 0;
    for (;;) {
      const batch = await list(now(), sweepBatchSize);
      for (const record of batch) await remove(record);
      removed += batch.length;
      if (batch.length < sweepBatchSize) return removed;
    }
  }

  return {
    maxBytes,
    stageUpload: (source) => stageUpload(source, blobs.stagingDirectory, maxBytes),
    discardStagedUpload,
    createFile,
    async saveFile(accountId, source, file) {
      return createFile(accountId, await stageUpload(source, blobs.stagingDirectory, maxBytes), file);
    },
    getFile,
    async listFiles(accountId, list) {
      let after: { createdAt: number; id: string } | undefined;
      if (list.after !== undefined) {
        const cursor = await store.findFile(accountId, list.after);
        if (!cursor) {
          throw new GatewayError("invalid_request", {
            param: "after",
            message: `No file '${list.after}' to list after.`,
          });
        }
        after = { createdAt: cursor.createdAt, id: cursor.id };
      }
      // One extra row says whether another page exists. Expired rows awaiting the sweeper are hidden,
      // so a page may come back short while has_more is true; the next page carries on correctly.
      const rows = await store.listFiles(accountId, {
        purpose: list.purpose,
        limit: list.limit + 1,
        order: list.order,
        after,
      });
      const hasMore = rows.length > list.limit;
      const files = rows.slice(0, list.limit).filter((record) => !isExpired(record.expiresAt));
      return { files, hasMore };
    },
    async deleteFile(accountId, id) {
      const record = await getFile(accountId, id);
      if (!(await store.deleteFile(accountId, id))) throw fileNotFound(id);
      await deleteBlob(record.blobKey);
    },
    async openFileContent(accountId, id) {
      const record = await getFile(accountId, id);
      const blob = await blobs.get(record.blobKey);
      if (!blob) throw fileNotFound(id);
      return { record, ...blob };
    },
    async saveJobResult(accountId, jobId, filename, source, contentType) {
      if (!isValidJobFilePath(jobId, filename)) {
        throw new GatewayError("invalid_request", {
          message: `Job id '${jobId}' or file name '${filename}' has characters a URL path cannot carry safely.`,
        });
      }
      const staged = await stageUpload(source, blobs.stagingDirectory, maxBytes);
      try {
        const createdAt = now();
        const record: JobFileRecord = {
          accountId,
          jobId,
          filename,
          blobKey: toBlobKey("jobs", toAccountSegment(accountId), jobId, filename),
          bytes: staged.bytes,
          contentType: contentType || "application/octet-stream",
          createdAt,
          expiresAt: options.jobFileRetentionMs === null ? null : createdAt + options.jobFileRetentionMs,
        };
        await blobs.putFile(record.blobKey, staged.path, {
          bytes: staged.bytes,
          contentType: record.contentType,
        });
        await store.upsertJobFile(record);
        return record;
      } finally {
        await discardStagedUpload(staged);
      }
    },
    getJobResult,
    async openJobResult(accountId, jobId, filename) {
      return openJobBlob(await getJobResult(accountId, jobId, filename));
    },
    async signJobResultPath(accountId, jobId, filename, expiresInSeconds) {
      await getJobResult(accountId, jobId, filename);
      const expiresAt = Math.floor(now() / 1000) + expiresInSeconds;
      const token = signJobFile(signingKey, { accountId, jobId, filename, expiresAt });
      const query = new URLSearchParams({ token, exp: String(expiresAt), k: signingKey.id });
      return {
        path: `/v1/files/jobs/${encodeURIComponent(jobId)}/${encodeURIComponent(filename)}/public?${query.toString()}`,
        expiresAt,
      };
    },
    async openSignedJobResult(jobId, filename, query) {
      const presented = readPresentedSignature(query);
      if (!presented) {
        throw new GatewayError("invalid_request", {
          message: "Malformed signed URL: 'token', 'exp' (unix seconds) and 'k' are all required.",
        });
      }
      if (!options.signingKeys.some((key) => key.id === presented.keyId)) {
        throw new GatewayError("permission_denied", {
          param: "k",
          message: "This signed URL was signed with a key the gateway no longer accepts.",
        });
      }
      const nowSeconds = Math.floor(now() / 1000);
      const expired = new GatewayError("invalid_request", {
        param: "exp",
        message: `This signed URL expired at ${new Date(presented.expiresAt * 1000).toISOString()}; mint a new one.`,
      });
      const candidates = isValidJobFilePath(jobId, filename)
        ? (await store.findJobFilesByPath(jobId, filename)).filter((record) => !isExpired(record.expiresAt))
        : [];
      if (candidates.length === 0) {
        if (presented.expiresAt <= nowSeconds) throw expired;
        throw jobFileNotFound(jobId, filename);
      }
      let outcome: SignatureCheck = "mismatch";
      for (const record of candidates) {
        const check = checkJobFileSignature(options.signingKeys, presented, record, nowSeconds);
        if (check === "valid") return openJobBlob(record);
        if (check === "expired") outcome = check;
      }
      if (outcome === "expired") throw expired;
      throw new GatewayError("permission_denied", {
        param: "token",
        message: "The signature of this URL does not match its path and expiry.",
      });
    },
    async sweepExpired() {
      const files = await sweepTable(
        (at, limit) => store.listExpiredFiles(at, limit),
        async (record: FileRecord) => {
          await store.deleteFile(record.accountId, record.id);
          await deleteBlob(record.blobKey);
        },
      );
      const jobFiles = await sweepTable(
        (at, limit) => store.listExpiredJobFiles(at, limit),
        async (record: JobFileRecord) => {
          await store.deleteJobFile(record.accountId, record.jobId, record.filename);
          await deleteBlob(record.blobKey);
        },
      );
      return { files, jobFiles };
    },
  };
}
