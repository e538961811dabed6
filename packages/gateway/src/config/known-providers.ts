import type { ProviderApi } from "../providers/provider-adapter.ts";

/** Providers configured from the environment: `<PREFIX>_API_KEY` / `<PREFIX>_BASE_URL`. */
export interface KnownProvider {
  id: string;
  /** The wire protocol; "openai" (OpenAI-compatible) when absent. */
  api?: ProviderApi;
  envPrefix: string;
  defaultBaseUrl: string;
  /** Local servers need no key and are enabled only when their base URL is set. */
  local: boolean;
  /** The variable holding the credential when it is not `<PREFIX>_API_KEY` (e.g. AWS_ACCESS_KEY_ID). */
  apiKeyEnv?: string;
  /** Vendor settings read from the environment: setting name → variable name (ProviderConfig.settings). */
  settingsEnv?: Record<string, string>;
  /** Settings used when their variable is unset. */
  defaultSettings?: Record<string, string>;
}

export const knownProviders: readonly KnownProvider[] = [
  { id: "openai", envPrefix: "OPENAI", defaultBaseUrl: "https://api.openai.com/v1", local: false },
  { id: "groq", envPrefix: "GROQ", defaultBaseUrl: "https://api.groq.com/openai/v1", local: false },
  { id: "together", envPrefix: "TOGETHER", defaultBaseUrl: "https://api.together.xyz/v1", local: false },
  {
    id: "fireworks",
    envPrefix: "FIREWORKS",
    defaultBaseUrl: "https://api.fireworks.ai/inference/v1",
    local: false,
  },
  { id: "deepseek", envPrefix: "DEEPSEEK", defaultBaseUrl: "https://api.deepseek.com/v1", local: false },
  { id: "moonshot", envPrefix: "MOONSHOT", defaultBaseUrl: "https://api.moonshot.ai/v1", local: false },
  { id: "mistral", envPrefix: "MISTRAL", defaultBaseUrl: "https://api.mistral.ai/v1", local: false },
  { id: "xai", envPrefix: "XAI", defaultBaseUrl: "https://api.x.ai/v1", local: false },
  { id: "openrouter", envPrefix: "OPENROUTER", defaultBaseUrl: "https://openrouter.ai/api/v1", local: false },
  {
    id: "deepinfra",
    envPrefix: "DEEPINFRA",
    defaultBaseUrl: "https://api.deepinfra.com/v1/openai",
    local: false,
  },
  { id: "cerebras", envPrefix: "CEREBRAS", defaultBaseUrl: "https://api.cerebras.ai/v1", local: false },
  { id: "ollama", envPrefix: "OLLAMA", defaultBaseUrl: "http://127.0.0.1:11434/v1", local: true },
  { id: "vllm", envPrefix: "VLLM", defaultBaseUrl: "http://127.0.0.1:8000/v1", local: true },
];
