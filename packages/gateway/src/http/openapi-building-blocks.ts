// Pieces every part of the OpenAPI document uses (openapi-document.ts and the openapi-*-paths.ts
// files): references, JSON bodies, the error response, and JSON Schema from the zod validators.
import { z } from "zod";

export const reference = (name: string) => ({ $ref: `#/components/schemas/${name}` });
export const json = (schema: unknown) => ({ "application/json": { schema } });
export const error = (description: string) => ({ description, content: json(reference("Error")) });

export const idParameter = { name: "id", in: "path", required: true, schema: { type: "string" } };
export const unauthorized = error("Missing, unknown or revoked API key");

/** `{object: "list", data: [item]}`. */
export const list = (item: string) =>
  json({
    type: "object",
    properties: { object: { const: "list" }, data: { type: "array", items: reference(item) } },
  });

/** The JSON Schema of what a validator accepts (its input side), without the dialect marker. */
export function toJsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: "input" }) as Record<string, unknown>;
  return rest;
}
