import type { ProviderApi } from "../providers/provider-adapter.ts";
import { defaultAzureApiVersion } from "../providers/azure/azure-adapter.ts";

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
  {
    id: "cohere",
    api: "cohere",
    envPrefix: "COHERE",
    defaultBaseUrl: "https://api.cohere.com",
    local: false,
  },
  {
    id: "azure",
    api: "azure",
    envPrefix: "AZURE_OPENAI",
    // Each Azure resource has its own endpoint (https://<resource>.openai.azure.com): no default.
    defaultBaseUrl: "",
    local: false,
    settingsEnv: { apiVersion: "AZURE_OPENAI_API_VERSION" },
    defaultSettings: { apiVersion: defaultAzureApiVersion },
  },
  {
    id: "bedrock",
    api: "bedrock",
    envPrefix: "BEDROCK",
    // Empty: the adapter builds https://bedrock-runtime.<AWS_REGION>.amazonaws.com unless BEDROCK_BASE_URL is set.
    defaultBaseUrl: "",
    local: false,
    apiKeyEnv: "AWS_ACCESS_KEY_ID",
    settingsEnv: {
      secretAccessKey: "AWS_SECRET_ACCESS_KEY",
      sessionToken: "AWS_SESSION_TOKEN",
      region: "AWS_REGION",
    },
    defaultSettings: { region: "us-east-1" },
  },
  {
    id: "anthropic",
    api: "anthropic",
    envPrefix: "ANTHROPIC",
    // The API root, as the Anthropic SDK takes it; the adapter calls /v1/messages.
    defaultBaseUrl: "https://api.anthropic.com",
    local: false,
    settingsEnv: { "anthropic-version": "ANTHROPIC_VERSION", "anthropic-beta": "ANTHROPIC_BETA" },
    defaultSettings: { "anthropic-version": "2023-06-01" },
  },
  {
    id: "gemini",
    api: "gemini",
    envPrefix: "GEMINI",
    defaultBaseUrl: "https://generativelanguage.googleapis.com/v1beta",
    local: false,
    settingsEnv: { schemaFormat: "GEMINI_SCHEMA_FORMAT" },
  },
  // Async-job providers (jobs/adapters/): no chat models route to them, so their chat adapter is unused.
  {
    id: "fal",
    envPrefix: "FAL",
    defaultBaseUrl: "https://queue.fal.run",
    local: false,
    apiKeyEnv: "FAL_KEY",
  },
  {
    id: "deepgram",
    envPrefix: "DEEPGRAM",
    defaultBaseUrl: "https://api.deepgram.com",
    local: false,
  },
  { id: "ollama", envPrefix: "OLLAMA", defaultBaseUrl: "http://127.0.0.1:11434/v1", local: true },
  { id: "vllm", envPrefix: "VLLM", defaultBaseUrl: "http://127.0.0.1:8000/v1", local: true },
];
