import { z } from "zod";

/** The query of GET /v1/usage/recent. */
export const recentUsageQuerySchema = z.looseObject({
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});
