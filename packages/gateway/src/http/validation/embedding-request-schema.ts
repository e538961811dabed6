import { z } from "zod";

/** The body of POST /v1/embeddings. */
export const embeddingRequestSchema = z.looseObject({
  model: z.string({ error: "is required and must be a string" }).min(1),
  input: z.union(
    [
      z.string(),
      z.array(z.string()).min(1).max(2048),
      z.array(z.int()).min(1),
      z.array(z.array(z.int()).min(1)).min(1).max(2048),
    ],
    { error: "is required: a string, an array of strings, or token arrays" },
  ),
  dimensions: z.int().positive().optional(),
  encoding_format: z.enum(["float", "base64"]).optional(),
  user: z.string().optional(),
});
