import { z } from "zod";
import { routingBiases } from "../../routing/decide-auto-route.ts";
import { routePolicies } from "../../routing/order-routes.ts";

const textPart = z.looseObject({ type: z.literal("text"), text: z.string() });
const imagePart = z.looseObject({
  type: z.literal("image_url"),
  image_url: z.looseObject({ url: z.string().min(1), detail: z.enum(["auto", "low", "high"]).optional() }),
});
// Other part types (input_audio, file, …) pass through to providers that know them.
const otherPart = z.looseObject({
  type: z.string().refine((type) => type !== "text" && type !== "image_url"),
});
const contentPart = z.union([textPart, imagePart, otherPart]);

const toolCall = z.looseObject({
  id: z.string(),
  type: z.literal("function"),
  function: z.looseObject({ name: z.string(), arguments: z.string() }),
});

const message = z.looseObject({
  role: z.enum(["system", "developer", "user", "assistant", "tool"]),
  content: z.union([z.string(), z.array(contentPart), z.null()]).optional(),
  name: z.string().optional(),
  tool_calls: z.array(toolCall).optional(),
  tool_call_id: z.string().optional(),
});

const functionTool = z.looseObject({
  type: z.literal("function"),
  function: z.looseObject({
    name: z.string().min(1).max(64),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullable().optional(),
  }),
});

const responseFormat = z.discriminatedUnion("type", [
  z.looseObject({ type: z.literal("text") }),
  z.looseObject({ type: z.literal("json_object") }),
  z.looseObject({
    type: z.literal("json_schema"),
    json_schema: z.looseObject({
      name: z.string().min(1),
      schema: z.record(z.string(), z.unknown()).optional(),
    }),
  }),
]);

const positiveInt = z.int().positive();

const modelSlug = z.string().min(1).max(200);

/** The `routing` object of smart routing (§3.9); gateway-only, never sent upstream. */
export const routingSchema = z.strictObject({
  policy: z.enum(routePolicies).optional(),
  providers: z.array(z.string().min(1).max(64)).min(1).max(20).optional(),
  max_cost_per_1m_input: z.number().nonnegative().optional(),
  allow_fallback: z.boolean().optional(),
});

/** The body of POST /v1/chat/completions. Unknown fields pass through to the provider. */
export const chatRequestSchema = z.looseObject({
  // Omitted means "auto"; an array is tried in order (cross-model fallback).
  model: z
    .union([modelSlug, z.array(modelSlug).min(1).max(10)], {
      error: "must be a catalog slug such as openai/gpt-4o-mini, 'auto', or an array of slugs",
    })
    .optional(),
  routing: routingSchema.optional(),
  fallbacks: z.boolean().optional(),
  baseline_model: modelSlug.optional(),
  "x-routing": z.enum(routingBiases).optional(),
  messages: z.array(message, { error: "is required and must be an array of messages" }).min(1),
  stream: z.boolean().nullable().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullable().optional(),
  max_tokens: positiveInt.nullable().optional(),
  max_completion_tokens: positiveInt.nullable().optional(),
  temperature: z.number().min(0).max(2).nullable().optional(),
  top_p: z.number().min(0).max(1).nullable().optional(),
  n: z.int().min(1).max(128).nullable().optional(),
  stop: z
    .union([z.string(), z.array(z.string()).max(4)])
    .nullable()
    .optional(),
  seed: z.int().nullable().optional(),
  user: z.string().optional(),
  tools: z.array(functionTool).optional(),
  tool_choice: z
    .union([
      z.enum(["none", "auto", "required"]),
      z.looseObject({ type: z.literal("function"), function: z.looseObject({ name: z.string() }) }),
    ])
    .optional(),
  parallel_tool_calls: z.boolean().optional(),
  response_format: responseFormat.optional(),
  reasoning_effort: z.enum(["none", "minimal", "low", "medium", "high", "xhigh", "max"]).optional(),
  presence_penalty: z.number().min(-2).max(2).nullable().optional(),
  frequency_penalty: z.number().min(-2).max(2).nullable().optional(),
});
