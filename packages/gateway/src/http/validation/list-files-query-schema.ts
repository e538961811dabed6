import { z } from "zod";

/** The query of GET /v1/files (OpenAI's cursor pagination, newest first by default). */
export const listFilesQuerySchema = z.looseObject({
  purpose: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).optional(),
  after: z.string().min(1).optional(),
  order: z.enum(["asc", "desc"]).optional(),
});
