import type { ProviderAdapter, ProviderConfig } from "../providers/provider-adapter.ts";
import { createProviderAdapter } from "../providers/create-provider-adapter.ts";

export interface ProviderRegistry {
  /** The adapter of a configured provider, or undefined. */
  find(id: string): ProviderAdapter | undefined;
  /** The provider's settings whether configured or not (to name the env var that is missing). */
  describe(id: string): ProviderConfig | undefined;
}

/** A provider is usable once it has its key, or needs none (a local server given its base URL). */
export function isConfigured(config: ProviderConfig): boolean {
  return !config.requiresApiKey || Boolean(config.apiKey);
}

export function createProviderRegistry(configs: readonly ProviderConfig[]): ProviderRegistry {
  const byId = new Map(configs.map((config) => [config.id, config]));
  const adapters = new Map<string, ProviderAdapter>();
  for (const config of configs) {
    if (isConfigured(config)) adapters.set(config.id, createProviderAdapter(config));
  }
  return {
    find: (id) => adapters.get(id),
    describe: (id) => byId.get(id),
  };
}
