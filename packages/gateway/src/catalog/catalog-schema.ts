import { z } from "zod";

const usdAmount = z.string().regex(/^\d+(\.\d{1,6})?$/, "a decimal string of USD with at most 6 decimals");

export const modalities = [
  "text",
  "image",
  "embedding",
  "stt",
  "tts",
  "video",
  "music",
  "rerank",
  "moderation",
] as const;
export const modalitySchema = z.enum(modalities);
export type Modality = z.infer<typeof modalitySchema>;

export const capabilities = [
  "tools",
  "vision",
  "json",
  "streaming",
  "reasoning",
  "caching",
  "async",
] as const;
export const capabilitySchema = z.enum(capabilities);
export type Capability = z.infer<typeof capabilitySchema>;

/**
 * What one call costs, in USD decimal strings, per unit: tokens are priced per 1M (input, output,
 * cached_input, cache_write), media per image, per second of output, per minute of input audio, per
 * 1K characters of input text, and per 1K searches (rerank). A model is billed in the units it lists.
 */
export const pricingSchema = z
  .strictObject({
    input: usdAmount.optional(),
    output: usdAmount.optional(),
    cached_input: usdAmount.optional(),
    cache_write: usdAmount.optional(),
    per_image: usdAmount.optional(),
    per_second: usdAmount.optional(),
    per_minute: usdAmount.optional(),
    per_1k_characters: usdAmount.optional(),
    per_1k_searches: usdAmount.optional(),
  })
  .refine((pricing) => Object.keys(pricing).length > 0, "a pricing object needs at least one price");
export type Pricing = z.infer<typeof pricingSchema>;
export type PricingUnit = keyof Pricing;

const effectiveDate = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

/** One price of a route, in effect from `effective_from` (or from the start when absent). */
export const priceEntrySchema = z.strictObject({
  effective_from: effectiveDate.optional(),
  pricing: pricingSchema,
  price_source: z.string().min(1),
  price_as_of: z.iso.date(),
  price_note: z.string().min(1).optional(),
});
export type PriceEntry = z.infer<typeof priceEntrySchema>;

/**
 * A route is a provider and the id that provider knows the model by. Its price is either given inline
 * (`pricing`, `price_source`, `price_as_of`: one price, always in effect — the original form, still
 * accepted everywhere) or as `prices`, a list of dated entries for a route whose price changed.
 */
export const routeSchema = z
  .strictObject({
    provider: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "a lowercase provider id"),
    upstream_id: z.string().min(1),
    pricing: pricingSchema.optional(),
    price_source: z.string().min(1).optional(),
    price_as_of: z.iso.date().optional(),
    price_note: z.string().min(1).optional(),
    prices: z.array(priceEntrySchema).min(1).optional(),
  })
  .superRefine((route, context) => {
    const inline = route.pricing !== undefined;
    if (inline === (route.prices !== undefined)) {
      context.addIssue({
        code: "custom",
        message: "a route gives either `pricing` (with price_source and price_as_of) or `prices`, not both",
      });
      return;
    }
    if (inline && (route.price_source === undefined || route.price_as_of === undefined)) {
      context.addIssue({ code: "custom", message: "`pricing` needs `price_source` and `price_as_of`" });
    }
    if (route.prices) {
      const starts = route.prices.map((entry) => entry.effective_from ?? "");
      if (new Set(starts).size !== starts.length)
        context.addIssue({ code: "custom", path: ["prices"], message: "two prices share an effective_from" });
    }
  });

export const quirkSchema = z.enum(["max_completion_tokens"]);

export const modelSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]*\/[a-z0-9][a-z0-9._:/-]*$/, "a lowercase lab/model slug"),
    name: z.string().min(1),
    lab: z.string().min(1),
    modality: modalitySchema,
    context_window: z.int().nonnegative(),
    max_output_tokens: z.int().nonnegative(),
    capabilities: z.array(capabilitySchema),
    released: z.iso.date(),
    family: z.string().optional(),
    description: z.string().optional(),
    embedding_dimensions: z.int().positive().optional(),
    unsupported_parameters: z.array(z.string()).optional(),
    quirks: z.array(quirkSchema).optional(),
    /** Caveats shown in the model's invocation schema (free text, one per item). */
    notes: z.array(z.string().min(1)).optional(),
    routes: z.array(routeSchema).min(1),
  })
  .superRefine((model, context) => {
    model.routes.forEach((route, routeIndex) => {
      const entries = route.prices ?? (route.pricing ? [{ pricing: route.pricing }] : []);
      entries.forEach((entry, entryIndex) => {
        const missing = missingPriceUnit(model.modality, entry.pricing);
        if (missing)
          context.addIssue({
            code: "custom",
            path: ["routes", routeIndex, route.prices ? `prices.${entryIndex}` : "pricing"],
            message: `a ${model.modality} model needs ${missing}`,
          });
      });
    });
  });

/** The unit a modality cannot be billed without, or undefined when the pricing has what it needs. */
function missingPriceUnit(modality: Modality, pricing: Pricing): string | undefined {
  switch (modality) {
    case "text":
      return pricing.input !== undefined && pricing.output !== undefined ? undefined : "input and output";
    case "embedding":
    case "moderation":
      return pricing.input !== undefined ? undefined : "input";
    case "rerank":
      return pricing.input !== undefined || pricing.per_1k_searches !== undefined
        ? undefined
        : "input or per_1k_searches";
    case "image":
      return pricing.per_image !== undefined || pricing.output !== undefined
        ? undefined
        : "per_image or output";
    case "video":
    case "music":
      return pricing.per_second !== undefined ? undefined : "per_second";
    case "stt":
      return pricing.per_minute !== undefined || pricing.input !== undefined
        ? undefined
        : "per_minute or input";
    case "tts":
      return pricing.per_1k_characters !== undefined || pricing.output !== undefined
        ? undefined
        : "per_1k_characters or output";
  }
}

export const catalogFileSchema = z.strictObject({
  version: z.string(),
  models: z.array(modelSchema),
});

export type CatalogRouteEntry = z.infer<typeof routeSchema>;
export type CatalogModelEntry = z.infer<typeof modelSchema>;
export type CatalogFile = z.infer<typeof catalogFileSchema>;
