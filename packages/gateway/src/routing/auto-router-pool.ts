import type { Modality } from "../catalog/catalog-schema.ts";
import type { Complexity } from "./assess-complexity.ts";

/**
 * A model the Auto Router may pick, with priors in [0, 1]: `quality` from public leaderboard
 * standings (rounded, ours to revise as evals come in) and `speed` from typical output speed.
 * Priors, not measurements: they keep the choice deterministic for a given request and catalog.
 */
export interface PoolEntry {
  id: string;
  quality: number;
  speed: number;
}

export const autoRouterPools: Partial<Record<Modality, readonly PoolEntry[]>> = {
  text: [
    { id: "anthropic/claude-opus-5", quality: 0.95, speed: 0.35 },
    { id: "anthropic/claude-opus-4.6", quality: 0.93, speed: 0.35 },
    { id: "openai/gpt-5.4", quality: 0.93, speed: 0.45 },
    { id: "google/gemini-3-pro-preview", quality: 0.92, speed: 0.5 },
    { id: "anthropic/claude-sonnet-4.6", quality: 0.9, speed: 0.55 },
    { id: "openai/gpt-5.1", quality: 0.9, speed: 0.5 },
    { id: "openai/gpt-5", quality: 0.89, speed: 0.45 },
    { id: "anthropic/claude-sonnet-4.5", quality: 0.88, speed: 0.55 },
    { id: "google/gemini-2.5-pro", quality: 0.86, speed: 0.5 },
    { id: "xai/grok-4", quality: 0.86, speed: 0.45 },
    { id: "moonshot/kimi-k2.6", quality: 0.85, speed: 0.55 },
    { id: "deepseek/deepseek-v4-pro", quality: 0.84, speed: 0.5 },
    { id: "google/gemini-3-flash", quality: 0.83, speed: 0.8 },
    { id: "openai/gpt-5.4-mini", quality: 0.82, speed: 0.75 },
    { id: "openai/gpt-5-mini", quality: 0.8, speed: 0.7 },
    { id: "openai/o4-mini", quality: 0.8, speed: 0.6 },
    { id: "anthropic/claude-haiku-4.5", quality: 0.78, speed: 0.8 },
    { id: "zai-org/glm-4.6", quality: 0.78, speed: 0.55 },
    { id: "deepseek/deepseek-v4-flash", quality: 0.77, speed: 0.6 },
    { id: "openai/gpt-oss-120b", quality: 0.76, speed: 0.9 },
    { id: "google/gemini-2.5-flash", quality: 0.75, speed: 0.85 },
    { id: "xai/grok-4.1-fast", quality: 0.75, speed: 0.85 },
    { id: "openai/gpt-4.1", quality: 0.74, speed: 0.7 },
    { id: "openai/gpt-4.1-mini", quality: 0.68, speed: 0.8 },
    { id: "meta/llama-4-maverick", quality: 0.66, speed: 0.85 },
    { id: "openai/gpt-5.4-nano", quality: 0.66, speed: 0.9 },
    { id: "openai/gpt-5-nano", quality: 0.62, speed: 0.9 },
    { id: "mistral/mistral-small-latest", quality: 0.6, speed: 0.85 },
    { id: "google/gemini-2.5-flash-lite", quality: 0.6, speed: 0.95 },
    { id: "openai/gpt-4o-mini", quality: 0.55, speed: 0.85 },
    { id: "openai/gpt-4.1-nano", quality: 0.55, speed: 0.95 },
    { id: "meta/llama-3.1-8b", quality: 0.4, speed: 0.98 },
  ],
  embedding: [
    { id: "openai/text-embedding-3-large", quality: 0.9, speed: 0.7 },
    { id: "google/gemini-embedding-001", quality: 0.9, speed: 0.7 },
    { id: "openai/text-embedding-3-small", quality: 0.8, speed: 0.9 },
    { id: "baai/bge-m3", quality: 0.78, speed: 0.8 },
    { id: "mistral/mistral-embed", quality: 0.7, speed: 0.85 },
  ],
};

/** Defaults for `baseline_model`: the premium model of the modality, first one the catalog has. */
export const defaultBaselines: Partial<Record<Modality, readonly string[]>> = {
  text: [
    "anthropic/claude-opus-4.8",
    "anthropic/claude-opus-5",
    "anthropic/claude-opus-4.6",
    "openai/gpt-5.4",
  ],
  embedding: ["openai/text-embedding-3-large"],
};

/** The quality a model must reach for a request of each complexity. */
export const qualityFloors: Record<Complexity, number> = { simple: 0.5, moderate: 0.7, complex: 0.82 };

/** Output tokens assumed when the request sets no max_tokens, to compare costs before answering. */
export const expectedOutputTokens: Record<Complexity, number> = {
  simple: 300,
  moderate: 800,
  complex: 2_000,
};
