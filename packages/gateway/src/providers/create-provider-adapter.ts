import type { ProviderAdapter, ProviderApi, ProviderConfig } from "./provider-adapter.ts";
import { createOpenAiCompatibleAdapter } from "./openai-compatible/openai-compatible-adapter.ts";
import { createAnthropicAdapter } from "./anthropic/anthropic-adapter.ts";
import { createCohereAdapter } from "./cohere/cohere-adapter.ts";
import { createAzureAdapter } from "./azure/azure-adapter.ts";
import { createBedrockAdapter } from "./bedrock/bedrock-adapter.ts";
import { createGeminiAdapter } from "./gemini/gemini-adapter.ts";

type AdapterFactory = (config: ProviderConfig) => ProviderAdapter;

// One line per wire protocol; a vendor's adapter lives in its own folder beside this file.
const factories: Partial<Record<ProviderApi, AdapterFactory>> = {
  openai: createOpenAiCompatibleAdapter,
  anthropic: createAnthropicAdapter,
  cohere: createCohereAdapter,
  azure: createAzureAdapter,
  bedrock: createBedrockAdapter,
  gemini: createGeminiAdapter,
};

export function createProviderAdapter(config: ProviderConfig): ProviderAdapter {
  const factory = factories[config.api];
  if (!factory) throw new Error(`No adapter for provider API "${config.api}" (provider ${config.id})`);
  return factory(config);
}
