import { z } from "zod";

/** POST /v1/batches, as OpenAI's (metadata: up to 16 string pairs). */
export const createBatchSchema = z.strictObject({
  input_file_id: z.string().min(1).max(200),
  endpoint: z.string().min(1).max(200),
  completion_window: z.string().min(1).max(20),
  metadata: z
    .record(z.string().max(64), z.string().max(512))
    .refine((value) => Object.keys(value).length <= 16, "at most 16 keys")
    .nullable()
    .optional(),
});

export const listBatchesQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  after: z.string().min(1).max(200).optional(),
});
