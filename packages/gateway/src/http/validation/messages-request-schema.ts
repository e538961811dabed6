import { z } from "zod";

// Block contents are checked where they are used: an Anthropic upstream gets them as sent (it knows
// block types this gateway has never seen), and the translation names the field it cannot carry.
const contentBlock = z.looseObject({ type: z.string({ error: "is required on every content block" }) });

const message = z.looseObject({
  role: z.enum(["user", "assistant"], { error: "must be 'user' or 'assistant'" }),
  content: z.union([z.string(), z.array(contentBlock)], {
    error: "must be a string or an array of content blocks",
  }),
});

const tool = z.looseObject({ name: z.string().min(1).max(128) });

const messagesFields = {
  model: z
    .string({ error: "is required and must be a string (e.g. claude-sonnet-4-5 or openai/gpt-4o-mini)" })
    .min(1),
  messages: z.array(message, { error: "is required and must be an array of messages" }).min(1),
  system: z
    .union([z.string(), z.array(z.looseObject({ type: z.literal("text"), text: z.string() }))])
    .optional(),
  stream: z.boolean().optional(),
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.int().min(0).optional(),
  stop_sequences: z.array(z.string()).optional(),
  tools: z.array(tool).optional(),
  tool_choice: z
    .looseObject({
      type: z.enum(["auto", "any", "tool", "none"]),
      name: z.string().optional(),
      disable_parallel_tool_use: z.boolean().optional(),
    })
    .optional(),
  thinking: z.looseObject({ type: z.string(), budget_tokens: z.int().positive().optional() }).optional(),
  metadata: z.looseObject({ user_id: z.string().nullable().optional() }).optional(),
};

/** The body of POST /v1/messages (Anthropic's Messages API). Unknown fields are kept. */
export const messagesRequestSchema = z.looseObject({
  ...messagesFields,
  max_tokens: z.int({ error: "is required and must be a positive integer" }).positive(),
});

/** The body of POST /v1/messages/count_tokens: the same, without max_tokens. */
export const countTokensRequestSchema = z.looseObject({
  ...messagesFields,
  max_tokens: z.int().positive().optional(),
});
