import type { z } from "zod";
import { GatewayError } from "@aigateway/protocol";

/** Validates a body with zod and turns the first problem into a 400 that names the field. */
export function parseWithSchema<Schema extends z.ZodType>(schema: Schema, input: unknown): z.infer<Schema> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const param = issue && issue.path.length > 0 ? issue.path.map(String).join(".") : null;
  const message = issue?.message ?? "Invalid request body.";
  throw new GatewayError("invalid_request", {
    param,
    message: param ? `Invalid '${param}': ${message}` : message,
  });
}
