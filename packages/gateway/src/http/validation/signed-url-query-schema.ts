import { z } from "zod";

/** The query of GET /v1/files/jobs/{job_id}/{filename}/signed: one minute to seven days. */
export const signedUrlQuerySchema = z.looseObject({
  expires_in: z.coerce.number().int().min(60).max(604_800).optional(),
});
