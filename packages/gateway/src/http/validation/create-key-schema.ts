import { z } from "zod";

/** The body of POST /v1/keys. */
export const createKeySchema = z.strictObject({
  name: z.string().min(1).max(100).optional(),
  role: z.enum(["owner", "member"]).optional(),
});
