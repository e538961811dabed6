import { z } from "zod";

const model = z.string().min(1).max(200).optional();
const webhookUrl = z.string().min(1).max(2048).optional();
const prompt = z.string().min(1).max(20_000);
const httpUrl = z.url({ protocol: /^https?$/ }).max(4096);
const seconds = z.number().positive().max(600);

/** POST /v1/videos/generations. Unknown fields are refused so a typo is not silently ignored. */
export const videoJobSchema = z.strictObject({
  model,
  prompt,
  duration: seconds.optional(),
  aspect_ratio: z.string().min(1).max(20).optional(),
  resolution: z.string().min(1).max(20).optional(),
  image_url: httpUrl.optional(),
  negative_prompt: z.string().max(20_000).optional(),
  webhook_url: webhookUrl,
});

/** POST /v1/audio/music (`model` omitted or `auto/music` picks a runnable music model). */
export const musicJobSchema = z.strictObject({
  model,
  prompt,
  duration: seconds.optional(),
  lyrics: z.string().max(20_000).optional(),
  is_instrumental: z.boolean().optional(),
  lyrics_optimizer: z.boolean().optional(),
  format: z.enum(["mp3", "wav"]).optional(),
  webhook_url: webhookUrl,
});

/** POST /v1/3d/generations. */
export const threeDimensionalJobSchema = z.strictObject({
  model,
  prompt: prompt.optional(),
  image_url: httpUrl.optional(),
  webhook_url: webhookUrl,
});

/** POST /v1/audio/transcriptions as JSON with `async: true` (the job form). */
export const asyncTranscriptionSchema = z.strictObject({
  model: z.string().min(1).max(200),
  audio_url: httpUrl,
  async: z.literal(true),
  language: z.string().min(2).max(20).optional(),
  webhook_url: webhookUrl,
});
