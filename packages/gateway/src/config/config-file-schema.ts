import { z } from "zod";
import { modelSchema } from "../catalog/catalog-schema.ts";

/** `aigateway.config.json`: custom providers and models on top of the environment. */
export const configFileSchema = z.strictObject({
  providers: z
    .record(
      z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "a lowercase provider id"),
      z.strictObject({
        base_url: z.url(),
        api_key_env: z.string().optional(),
        headers: z.record(z.string(), z.string()).optional(),
      }),
    )
    .optional(),
  models: z.array(modelSchema).optional(),
  timeouts: z
    .strictObject({
      connect_ms: z.int().positive().optional(),
      first_byte_ms: z.int().positive().optional(),
      idle_ms: z.int().positive().optional(),
    })
    .optional(),
  webhooks: z
    .strictObject({
      /** Allow webhook URLs on private, loopback and link-local addresses (trusted networks only). */
      allow_private_urls: z.boolean().optional(),
    })
    .optional(),
});

export type ConfigFile = z.infer<typeof configFileSchema>;
