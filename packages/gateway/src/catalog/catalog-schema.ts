import { z } from "zod";

const usdPerMillion = z
  .string()
  .regex(/^\d+(\.\d{1,6})?$/, "a decimal string of USD per 1M tokens with at most 6 decimals");

export const capabilitySchema = z.enum(["tools", "vision", "json", "streaming", "reasoning", "caching"]);
export type Capability = z.infer<typeof capabilitySchema>;

export const routeSchema = z.strictObject({
  provider: z.string().min(1),
  upstream_id: z.string().min(1),
  pricing: z.strictObject({
    input: usdPerMillion,
    output: usdPerMillion,
    cached_input: usdPerMillion.optional(),
    cache_write: usdPerMillion.optional(),
  }),
  price_source: z.string().min(1),
  price_as_of: z.iso.date(),
});

export const modelSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*\/[a-z0-9][a-z0-9._:/-]*$/, "a lowercase lab/model slug"),
  name: z.string().min(1),
  lab: z.string().min(1),
  modality: z.enum(["text", "embedding"]),
  context_window: z.int().positive(),
  max_output_tokens: z.int().nonnegative(),
  capabilities: z.array(capabilitySchema),
  released: z.iso.date(),
  family: z.string().optional(),
  description: z.string().optional(),
  embedding_dimensions: z.int().positive().optional(),
  unsupported_parameters: z.array(z.string()).optional(),
  quirks: z.array(z.enum(["max_completion_tokens"])).optional(),
  routes: z.array(routeSchema).min(1),
});

export const catalogFileSchema = z.strictObject({
  version: z.string(),
  models: z.array(modelSchema),
});

export type CatalogRouteEntry = z.infer<typeof routeSchema>;
export type CatalogModelEntry = z.infer<typeof modelSchema>;
export type CatalogFile = z.infer<typeof catalogFileSchema>;
