import type { Readable } from "node:stream";
import fastifyMultipart from "@fastify/multipart";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { GatewayError } from "@aigateway/protocol";
import type { FileService, NewFile, OpenedBlob } from "../../files/file-service.ts";
import { isUploadPurpose, uploadPurposes } from "../../files/file-purpose.ts";
import { fileTooLarge, type StagedUpload } from "../../files/stage-upload.ts";
import type { FileRecord, JobFileRecord } from "../../storage/storage.ts";
import { requirePrincipal } from "../middleware/authenticate.ts";
import { listFilesQuerySchema } from "../validation/list-files-query-schema.ts";
import { parseWithSchema } from "../validation/parse-with-schema.ts";
import { signedUrlQuerySchema } from "../validation/signed-url-query-schema.ts";

export interface FilesRoutesOptions {
  /** Origin put in front of signed URLs; unset means the origin the request came to. */
  publicBaseUrl: string | undefined;
}

// Room for multipart boundaries and the small fields next to the file, so a Content-Length that is
// already past the limit is refused before a byte of the body is read.
const multipartOverheadBytes = 1024 * 1024;
const defaultListLimit = 100;
const defaultSignedUrlSeconds = 3600;
const minimumExpirySeconds = 3600;
const maximumExpirySeconds = 30 * 24 * 3600;

const toSeconds = (milliseconds: number): number => Math.floor(milliseconds / 1000);

/** OpenAI's File object; `expires_at` only when the file expires. */
export function toFileObject(record: FileRecord) {
  return {
    id: record.id,
    object: "file" as const,
    bytes: record.bytes,
    created_at: toSeconds(record.createdAt),
    filename: record.filename,
    purpose: record.purpose,
    status: "processed" as const,
    ...(record.expiresAt === null ? {} : { expires_at: toSeconds(record.expiresAt) }),
  };
}

function readExpiresAfter(fields: ReadonlyMap<string, string>): number | undefined {
  const anchor = fields.get("expires_after[anchor]");
  const seconds = fields.get("expires_after[seconds]");
  if (anchor === undefined && seconds === undefined) return undefined;
  if (anchor !== "created_at") {
    throw new GatewayError("invalid_request", {
      param: "expires_after.anchor",
      message: "expires_after[anchor] must be 'created_at'.",
    });
  }
  const value = Number(seconds);
  if (!Number.isInteger(value) || value < minimumExpirySeconds || value > maximumExpirySeconds) {
    throw new GatewayError("invalid_request", {
      param: "expires_after.seconds",
      message: `expires_after[seconds] must be an integer from ${minimumExpirySeconds} (1 hour) to ${maximumExpirySeconds} (30 days).`,
    });
  }
  return value;
}

function readNewFile(fields: ReadonlyMap<string, string>, filename: string): NewFile {
  const purpose = fields.get("purpose");
  if (purpose === undefined || purpose === "") {
    throw new GatewayError("invalid_request", {
      param: "purpose",
      message: `Missing required parameter: 'purpose' (one of ${uploadPurposes.join(", ")}).`,
    });
  }
  if (!isUploadPurpose(purpose)) {
    throw new GatewayError("invalid_request", {
      param: "purpose",
      message: `'${purpose}' is not a valid purpose; expected one of ${uploadPurposes.join(", ")}.`,
    });
  }
  return { filename, purpose, expiresAfterSeconds: readExpiresAfter(fields) };
}

/**
 * Reads the multipart body to its end even after a problem (the problem is kept and thrown once the
 * body is consumed), so the client always gets to read the error instead of a reset connection.
 */
async function readUpload(
  request: FastifyRequest,
  files: FileService,
): Promise<{
  staged: StagedUpload | undefined;
  filename: string;
  fields: Map<string, string>;
  problem: Error | undefined;
}> {
  const fields = new Map<string, string>();
  let staged: StagedUpload | undefined;
  let filename = "file";
  let problem: Error | undefined;
  for await (const part of request.parts()) {
    if (part.type !== "file") {
      fields.set(part.fieldname, typeof part.value === "string" ? part.value : String(part.value));
      continue;
    }
    if (problem !== undefined || part.fieldname !== "file" || staged !== undefined) {
      problem ??= new GatewayError("invalid_request", {
        param: part.fieldname === "file" ? "file" : part.fieldname,
        message:
          part.fieldname === "file"
            ? "Send exactly one file in the 'file' field."
            : `Unexpected file in field '${part.fieldname}'; the upload goes in 'file'.`,
      });
      part.file.resume();
      continue;
    }
    if (part.filename) filename = part.filename;
    try {
      staged = await files.stageUpload(part.file);
    } catch (error) {
      problem = error instanceof Error ? error : new Error(String(error));
    }
  }
  return { staged, filename, fields, problem };
}

function sendBlob(reply: FastifyReply, blob: OpenedBlob<unknown>, contentType: string, disposition: string) {
  return reply
    .header("content-type", contentType)
    .header("content-length", String(blob.bytes))
    .header("content-disposition", disposition)
    .header("x-content-type-options", "nosniff")
    .send(blob.body satisfies Readable);
}

const contentDisposition = (kind: "attachment" | "inline", filename: string): string =>
  `${kind}; filename*=UTF-8''${encodeURIComponent(filename)}`;

const sendJobFile = (reply: FastifyReply, blob: OpenedBlob<JobFileRecord>) =>
  sendBlob(reply, blob, blob.record.contentType, contentDisposition("inline", blob.record.filename));

/**
 * The authenticated file routes. Multipart parsing is registered in a child scope here, so no other
 * route accepts multipart bodies; the scope inherits the caller's authentication hook.
 */
export function registerFilesRoutes(
  app: FastifyInstance,
  files: FileService,
  options: FilesRoutesOptions,
): void {
  void app.register(async (scope) => {
    await scope.register(fastifyMultipart, {
      // One byte past the limit reaches the staging counter, which answers 413; the parser itself
      // then discards the rest of the part instead of failing mid-body.
      limits: { fileSize: files.maxBytes + 1, files: 4, fields: 16, fieldSize: 64 * 1024, parts: 24 },
      throwFileSizeLimit: false,
    });

    scope.post("/v1/files", async (request, reply) => {
      const principal = requirePrincipal(request);
      if (!request.isMultipart()) {
        throw new GatewayError("invalid_request", {
          param: "file",
          message: "Upload the file as multipart/form-data with the fields 'file' and 'purpose'.",
        });
      }
      const declaredLength = Number(request.headers["content-length"]);
      if (declaredLength > files.maxBytes + multipartOverheadBytes) throw fileTooLarge(files.maxBytes);

      const upload = await readUpload(request, files);
      if (upload.problem !== undefined || upload.staged === undefined) {
        if (upload.staged) await files.discardStagedUpload(upload.staged);
        throw (
          upload.problem ??
          new GatewayError("invalid_request", {
            param: "file",
            message: "Missing required parameter: 'file'.",
          })
        );
      }
      let file: NewFile;
      try {
        file = readNewFile(upload.fields, upload.filename);
      } catch (error) {
        await files.discardStagedUpload(upload.staged);
        throw error;
      }
      const record = await files.createFile(principal.accountId, upload.staged, file);
      return reply.code(201).send(toFileObject(record));
    });

    scope.get("/v1/files", async (request) => {
      const principal = requirePrincipal(request);
      const query = parseWithSchema(listFilesQuerySchema, request.query);
      const { files: records, hasMore } = await files.listFiles(principal.accountId, {
        purpose: query.purpose,
        limit: query.limit ?? defaultListLimit,
        order: query.order ?? "desc",
        after: query.after,
      });
      const data = records.map(toFileObject);
      return {
        object: "list",
        data,
        first_id: data[0]?.id ?? null,
        last_id: data.at(-1)?.id ?? null,
        has_more: hasMore,
      };
    });

    scope.get("/v1/files/:id", async (request) => {
      const principal = requirePrincipal(request);
      const { id } = request.params as { id: string };
      return toFileObject(await files.getFile(principal.accountId, id));
    });

    scope.delete("/v1/files/:id", async (request) => {
      const principal = requirePrincipal(request);
      const { id } = request.params as { id: string };
      await files.deleteFile(principal.accountId, id);
      return { id, object: "file", deleted: true };
    });

    scope.get("/v1/files/:id/content", async (request, reply) => {
      const principal = requirePrincipal(request);
      const { id } = request.params as { id: string };
      const blob = await files.openFileContent(principal.accountId, id);
      // Always a download: user bytes served from the API origin must never render as a page.
      return sendBlob(
        reply,
        blob,
        "application/octet-stream",
        contentDisposition("attachment", blob.record.filename),
      );
    });

    scope.get("/v1/files/jobs/:job_id/:filename", async (request, reply) => {
      const principal = requirePrincipal(request);
      const { job_id: jobId, filename } = request.params as { job_id: string; filename: string };
      return sendJobFile(reply, await files.openJobResult(principal.accountId, jobId, filename));
    });

    scope.get("/v1/files/jobs/:job_id/:filename/signed", async (request) => {
      const principal = requirePrincipal(request);
      const { job_id: jobId, filename } = request.params as { job_id: string; filename: string };
      const query = parseWithSchema(signedUrlQuerySchema, request.query);
      const signed = await files.signJobResultPath(
        principal.accountId,
        jobId,
        filename,
        query.expires_in ?? defaultSignedUrlSeconds,
      );
      const origin = options.publicBaseUrl ?? `${request.protocol}://${request.host}`;
      return { url: `${origin}${signed.path}`, expires_at: signed.expiresAt };
    });
  });
}

/** The one file route that needs no key: a signed URL carries its own proof. */
export function registerPublicFileRoutes(app: FastifyInstance, files: FileService): void {
  app.get("/v1/files/jobs/:job_id/:filename/public", async (request, reply) => {
    const { job_id: jobId, filename } = request.params as { job_id: string; filename: string };
    const blob = await files.openSignedJobResult(jobId, filename, request.query as Record<string, unknown>);
    return sendJobFile(reply, blob);
  });
}
