// What a request could cost at most, reserved against caps before it is sent. Over-estimating only
// makes a nearly exhausted cap refuse a little early; under-estimating lets a cap be overshot, so the
// bounds lean high.
import type { ChatCompletionRequest, EmbeddingRequest } from "@aigateway/protocol";
import type { CatalogModel } from "../catalog/catalog.ts";

/** Tokenisers average at least two UTF-8 bytes per token in every script we know of. */
const bytesPerTokenLowerBound = 2;
/** An image part's token cost at high detail, generously (OpenAI tiles reach ~1,100 tokens). */
const tokensPerImage = 1_600;
/** When neither the request nor the catalog bounds the output. */
const fallbackMaxOutputTokens = 8_192;

function countImages(value: unknown): number {
  if (Array.isArray(value)) return value.reduce<number>((total, item) => total + countImages(item), 0);
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    const own =
      record.type === "image_url" || record.type === "input_image" || record.type === "image" ? 1 : 0;
    return own + countImages(Object.values(record));
  }
  return 0;
}

function worstCasePromptTokens(content: unknown): number {
  const text = JSON.stringify(content ?? "");
  return (
    Math.ceil(Buffer.byteLength(text, "utf8") / bytesPerTokenLowerBound) +
    countImages(content) * tokensPerImage
  );
}

/** The highest per-token prices among the model's routes (micro-dollars per 1M tokens). */
function highestTokenPrices(model: CatalogModel): { input: number; output: number } {
  let input = 0;
  let output = 0;
  for (const route of model.routes) {
    input = Math.max(input, route.price.input, route.price.cacheWrite);
    output = Math.max(output, route.price.output);
  }
  return { input, output };
}

/** Micro-dollars per 1M tokens × tokens = picodollars; rounded up to nanodollars. */
function toNanodollarsCeiling(picodollars: number): number {
  return Math.ceil(picodollars / 1000);
}

export function estimateWorstCaseChatCost(request: ChatCompletionRequest, model: CatalogModel): number {
  const prices = highestTokenPrices(model);
  const promptTokens = Math.min(
    worstCasePromptTokens([request.messages, request.tools ?? null]),
    model.entry.context_window ?? Number.POSITIVE_INFINITY,
  );
  const requested = request.max_completion_tokens ?? request.max_tokens ?? undefined;
  const ceiling = model.entry.max_output_tokens ?? fallbackMaxOutputTokens;
  const outputTokens = Math.min(typeof requested === "number" ? requested : ceiling, ceiling);
  const choices = typeof request.n === "number" && request.n > 1 ? request.n : 1;
  return toNanodollarsCeiling(promptTokens * prices.input + outputTokens * choices * prices.output);
}

export function estimateWorstCaseEmbeddingCost(request: EmbeddingRequest, model: CatalogModel): number {
  const prices = highestTokenPrices(model);
  const input = request.input;
  // Token-id input is exact: one token per number.
  const tokens =
    Array.isArray(input) && input.every((item) => typeof item === "number")
      ? input.length
      : Array.isArray(input) && input.every((item) => Array.isArray(item))
        ? input.reduce<number>((total, item) => total + (item as unknown[]).length, 0)
        : worstCasePromptTokens(input);
  return toNanodollarsCeiling(tokens * prices.input);
}
