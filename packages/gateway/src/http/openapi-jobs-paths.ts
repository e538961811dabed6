// The async jobs and batches part of the OpenAPI document (see openapi-document.ts). Request bodies
// are the zod schemas that validate them.
import type { z } from "zod";
import { createBatchSchema } from "./validation/batch-schemas.ts";
import {
  asyncTranscriptionSchema,
  musicJobSchema,
  threeDimensionalJobSchema,
  videoJobSchema,
} from "./validation/job-request-schemas.ts";
import {
  error,
  idParameter,
  json,
  reference,
  toJsonSchema,
  unauthorized,
} from "./openapi-building-blocks.ts";

const body = (schema: z.ZodType) => ({ required: true, content: json(toJsonSchema(schema)) });
const idempotencyKey = {
  name: "Idempotency-Key",
  in: "header",
  required: false,
  schema: { type: "string", maxLength: 255 },
  description: "Same key and body: the same job again. Same key, other body: 409.",
};

const submitted = {
  "202": { description: "Queued; poll GET /v1/jobs/{id}", content: json(reference("Job")) },
  "400": error("Invalid body or webhook_url"),
  "401": unauthorized,
  "402": error("A spend cap has no room for this job"),
  "404": error("Unknown model"),
  "409": error("Idempotency-Key reused with another body"),
  "503": error("No provider serving the model is configured"),
};

const submit = (summary: string, schema: z.ZodType) => ({
  post: { summary, parameters: [idempotencyKey], requestBody: body(schema), responses: submitted },
});

export const jobSchemas = {
  Job: {
    type: "object",
    required: ["id", "object", "status", "modality", "model", "created_at"],
    properties: {
      id: { type: "string", examples: ["job_3fKx…"] },
      object: { const: "job" },
      status: { enum: ["queued", "running", "completed", "failed", "cancelled"] },
      modality: { enum: ["video", "music", "3d", "stt"] },
      model: { type: "string" },
      created_at: { type: "integer" },
      updated_at: { type: "integer" },
      started_at: { type: ["integer", "null"] },
      completed_at: { type: ["integer", "null"] },
      result_url: {
        type: ["string", "null"],
        description: "Signed, valid 24 h; fetch the job again for a fresh one",
      },
      result: { type: ["object", "null"], description: "duration, resolution, transcript… and url" },
      error: {
        type: ["object", "null"],
        properties: { code: { type: "string" }, message: { type: "string" } },
      },
      usage: { type: "object", properties: { cost_cents: { type: "number" } } },
    },
  },
  Batch: {
    type: "object",
    description: "OpenAI's Batch object",
    required: ["id", "object", "endpoint", "input_file_id", "completion_window", "status", "request_counts"],
    properties: {
      id: { type: "string" },
      object: { const: "batch" },
      endpoint: { enum: ["/v1/chat/completions", "/v1/embeddings"] },
      status: {
        enum: [
          "validating",
          "failed",
          "in_progress",
          "finalizing",
          "completed",
          "expired",
          "cancelling",
          "cancelled",
        ],
      },
      input_file_id: { type: "string" },
      output_file_id: { type: ["string", "null"] },
      error_file_id: { type: ["string", "null"] },
      completion_window: { const: "24h" },
      request_counts: {
        type: "object",
        properties: {
          total: { type: "integer" },
          completed: { type: "integer" },
          failed: { type: "integer" },
        },
      },
    },
  },
};

const jobResponses = {
  "200": { description: "The job", content: json(reference("Job")) },
  "401": unauthorized,
  "404": error("No such job in this account"),
};
const batchResponses = {
  "200": { description: "The batch", content: json(reference("Batch")) },
  "401": unauthorized,
  "404": error("No such batch in this account"),
};

export const jobPaths = {
  "/v1/videos/generations": submit("Generate a video (async job)", videoJobSchema),
  "/v1/audio/music": submit("Generate music (async job)", musicJobSchema),
  "/v1/3d/generations": submit("Generate a 3D asset (async job)", threeDimensionalJobSchema),
  "/v1/audio/transcriptions": submit(
    "Transcribe hosted audio (async job: JSON with async: true and audio_url)",
    asyncTranscriptionSchema,
  ),
  "/v1/jobs/{id}": {
    get: {
      summary: "Poll a job (ETag; If-None-Match answers 304 when unchanged)",
      parameters: [idParameter],
      responses: { ...jobResponses, "304": { description: "Unchanged since the ETag sent" } },
    },
    delete: {
      summary: "Cancel a queued or running job",
      parameters: [idParameter],
      responses: { ...jobResponses, "409": error("The job already finished") },
    },
  },
  "/v1/jobs/{id}/cancel": {
    post: {
      summary: "Cancel a queued or running job",
      parameters: [idParameter],
      responses: { ...jobResponses, "409": error("The job already finished") },
    },
  },
  "/v1/batches": {
    post: {
      summary: "Create a batch from a purpose=batch JSONL file (OpenAI Batch API)",
      requestBody: body(createBatchSchema),
      responses: {
        "201": { description: "Created, validating", content: json(reference("Batch")) },
        "400": error("Unknown file, wrong purpose, endpoint or completion_window"),
        "401": unauthorized,
      },
    },
    get: {
      summary: "List batches, newest first",
      parameters: [
        { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 100, default: 20 } },
        { name: "after", in: "query", schema: { type: "string" } },
      ],
      responses: {
        "200": {
          description: "A page of batches",
          content: json({
            type: "object",
            properties: { data: { type: "array", items: reference("Batch") } },
          }),
        },
        "401": unauthorized,
      },
    },
  },
  "/v1/batches/{id}": {
    get: { summary: "Get a batch", parameters: [idParameter], responses: batchResponses },
  },
  "/v1/batches/{id}/cancel": {
    post: {
      summary: "Cancel a batch (finished lines are kept in its output)",
      parameters: [idParameter],
      responses: { ...batchResponses, "409": error("The batch already finished") },
    },
  },
};
