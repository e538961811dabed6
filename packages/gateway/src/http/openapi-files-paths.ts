// The files, job-result and signed-URL part of the OpenAPI document (see openapi-document.ts).
import { error, idParameter, json, reference, unauthorized } from "./openapi-building-blocks.ts";

const jobFileParameters = [
  {
    name: "job_id",
    in: "path",
    required: true,
    schema: { type: "string", pattern: "^[A-Za-z0-9_-]{1,128}$" },
  },
  { name: "filename", in: "path", required: true, schema: { type: "string" } },
];
const notFound = error("No such file in this account (or it expired)");

export const fileSchemas = {
  FileObject: {
    type: "object",
    required: ["id", "object", "bytes", "created_at", "filename", "purpose", "status"],
    properties: {
      id: { type: "string", examples: ["file-3fKx…"] },
      object: { const: "file" },
      bytes: { type: "integer" },
      created_at: { type: "integer", description: "Unix seconds" },
      filename: { type: "string" },
      purpose: {
        type: "string",
        enum: ["assistants", "batch", "fine-tune", "vision", "user_data", "evals", "batch_output"],
      },
      status: { const: "processed" },
      expires_at: { type: "integer", description: "Unix seconds; present only when the file expires" },
    },
  },
};

export const filePaths = {
  "/v1/files": {
    post: {
      summary: "Upload a file (OpenAI Files API); purpose=batch files are validated line by line",
      requestBody: {
        required: true,
        content: {
          "multipart/form-data": {
            schema: {
              type: "object",
              required: ["file", "purpose"],
              properties: {
                file: { type: "string", format: "binary" },
                purpose: {
                  type: "string",
                  enum: ["assistants", "batch", "fine-tune", "vision", "user_data", "evals"],
                },
                "expires_after[anchor]": { const: "created_at" },
                "expires_after[seconds]": { type: "integer", minimum: 3600, maximum: 2_592_000 },
              },
            },
          },
        },
      },
      responses: {
        "201": { description: "The stored file", content: json(reference("FileObject")) },
        "400": error("Missing or invalid `file`/`purpose`, or an invalid batch line (named in the message)"),
        "401": unauthorized,
        "413": error("The file is larger than AIG_FILE_MAX_BYTES"),
      },
    },
    get: {
      summary: "List the account's files, newest first",
      parameters: [
        { name: "purpose", in: "query", required: false, schema: { type: "string" } },
        {
          name: "limit",
          in: "query",
          required: false,
          schema: { type: "integer", minimum: 1, maximum: 10_000, default: 100 },
        },
        { name: "after", in: "query", required: false, schema: { type: "string" }, description: "A file id" },
        { name: "order", in: "query", required: false, schema: { enum: ["asc", "desc"], default: "desc" } },
      ],
      responses: {
        "200": {
          description: "OpenAI cursor page",
          content: json({
            type: "object",
            properties: {
              object: { const: "list" },
              data: { type: "array", items: reference("FileObject") },
              first_id: { type: ["string", "null"] },
              last_id: { type: ["string", "null"] },
              has_more: { type: "boolean" },
            },
          }),
        },
        "400": error("Invalid `limit`, `order` or `after`"),
        "401": unauthorized,
      },
    },
  },
  "/v1/files/{id}": {
    get: {
      summary: "A file's metadata",
      parameters: [idParameter],
      responses: {
        "200": { description: "The file", content: json(reference("FileObject")) },
        "401": unauthorized,
        "404": notFound,
      },
    },
    delete: {
      summary: "Delete a file",
      parameters: [idParameter],
      responses: {
        "200": { description: '`{id, object: "file", deleted: true}`' },
        "401": unauthorized,
        "404": notFound,
      },
    },
  },
  "/v1/files/{id}/content": {
    get: {
      summary: "A file's bytes",
      parameters: [idParameter],
      responses: {
        "200": { description: "The bytes", content: { "application/octet-stream": {} } },
        "401": unauthorized,
        "404": notFound,
      },
    },
  },
  "/v1/files/jobs/{job_id}/{filename}": {
    get: {
      summary: "Download an async job's result file",
      parameters: jobFileParameters,
      responses: {
        "200": { description: "The bytes, with the content type the job stored" },
        "401": unauthorized,
        "404": error("No such result file for a job of this account (or it is past retention)"),
      },
    },
  },
  "/v1/files/jobs/{job_id}/{filename}/signed": {
    get: {
      summary: "Mint a signed URL that needs no key",
      parameters: [
        ...jobFileParameters,
        {
          name: "expires_in",
          in: "query",
          required: false,
          schema: { type: "integer", minimum: 60, maximum: 604_800, default: 3600 },
        },
      ],
      responses: {
        "200": {
          description: "The URL and when it expires",
          content: json({
            type: "object",
            required: ["url", "expires_at"],
            properties: {
              url: { type: "string" },
              expires_at: { type: "integer", description: "Unix seconds" },
            },
          }),
        },
        "400": error("`expires_in` outside 60..604800"),
        "401": unauthorized,
        "404": error("No such result file for a job of this account"),
      },
    },
  },
  "/v1/files/jobs/{job_id}/{filename}/public": {
    get: {
      summary: "Fetch a job result through a signed URL (no key)",
      security: [],
      parameters: [
        ...jobFileParameters,
        { name: "token", in: "query", required: true, schema: { type: "string" } },
        { name: "exp", in: "query", required: true, schema: { type: "integer" } },
        { name: "k", in: "query", required: true, schema: { type: "string" } },
      ],
      responses: {
        "200": { description: "The bytes" },
        "400": error("Malformed signed URL, or it expired"),
        "403": error("Signature does not match, or the signing key is no longer accepted"),
        "404": error("The file is gone"),
      },
    },
  },
};
