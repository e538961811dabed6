/**
 * Providers the catalog routes to besides the OpenAI-compatible ones in config/known-providers.ts:
 * native APIs and media hosts. A route to one of them without a configured adapter answers 503 naming
 * the credential variable, so every provider a catalog route names must be listed here or there.
 */
export interface DirectoryProvider {
  id: string;
  name: string;
  website: string;
  /** The environment variable that holds the credential. */
  credentialEnv: string;
}

export const directoryProviders: readonly DirectoryProvider[] = [
  {
    id: "anthropic",
    name: "Anthropic",
    website: "https://www.anthropic.com",
    credentialEnv: "ANTHROPIC_API_KEY",
  },
  {
    id: "gemini",
    name: "Google Gemini API",
    website: "https://ai.google.dev",
    credentialEnv: "GEMINI_API_KEY",
  },
  {
    id: "bedrock",
    name: "Amazon Bedrock",
    website: "https://aws.amazon.com/bedrock/",
    credentialEnv: "AWS_ACCESS_KEY_ID",
  },
  { id: "cohere", name: "Cohere", website: "https://cohere.com", credentialEnv: "COHERE_API_KEY" },
  {
    id: "azure",
    name: "Azure OpenAI",
    website: "https://azure.microsoft.com/products/ai-services/openai-service",
    credentialEnv: "AZURE_OPENAI_API_KEY",
  },
  { id: "fal", name: "fal.ai", website: "https://fal.ai", credentialEnv: "FAL_KEY" },
  {
    id: "replicate",
    name: "Replicate",
    website: "https://replicate.com",
    credentialEnv: "REPLICATE_API_TOKEN",
  },
  {
    id: "elevenlabs",
    name: "ElevenLabs",
    website: "https://elevenlabs.io",
    credentialEnv: "ELEVENLABS_API_KEY",
  },
  { id: "runway", name: "Runway", website: "https://runwayml.com", credentialEnv: "RUNWAYML_API_SECRET" },
  { id: "deepgram", name: "Deepgram", website: "https://deepgram.com", credentialEnv: "DEEPGRAM_API_KEY" },
  {
    id: "assemblyai",
    name: "AssemblyAI",
    website: "https://www.assemblyai.com",
    credentialEnv: "ASSEMBLYAI_API_KEY",
  },
  { id: "cartesia", name: "Cartesia", website: "https://cartesia.ai", credentialEnv: "CARTESIA_API_KEY" },
  { id: "bfl", name: "Black Forest Labs API", website: "https://bfl.ai", credentialEnv: "BFL_API_KEY" },
  {
    id: "stability",
    name: "Stability AI API",
    website: "https://platform.stability.ai",
    credentialEnv: "STABILITY_API_KEY",
  },
  { id: "ideogram", name: "Ideogram API", website: "https://ideogram.ai", credentialEnv: "IDEOGRAM_API_KEY" },
  { id: "recraft", name: "Recraft API", website: "https://www.recraft.ai", credentialEnv: "RECRAFT_API_KEY" },
  { id: "luma", name: "Luma AI API", website: "https://lumalabs.ai", credentialEnv: "LUMAAI_API_KEY" },
  { id: "voyage", name: "Voyage AI", website: "https://www.voyageai.com", credentialEnv: "VOYAGE_API_KEY" },
  { id: "jina", name: "Jina AI", website: "https://jina.ai", credentialEnv: "JINA_API_KEY" },
  { id: "minimax", name: "MiniMax API", website: "https://www.minimax.io", credentialEnv: "MINIMAX_API_KEY" },
];

const byId = new Map(directoryProviders.map((provider) => [provider.id, provider]));

export function findDirectoryProvider(id: string): DirectoryProvider | undefined {
  return byId.get(id);
}
