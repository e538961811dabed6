// What the compatibility matrix is made of: its columns, its rows, and the test files whose bracketed
// titles fill it. Adding a vendor or a column starts here.

export const matrixColumns = [
  "text",
  "stream",
  "tools",
  "streamed tools",
  "vision",
  "JSON schema",
  "reasoning",
  "usage",
  "errors",
  "mid-stream error",
] as const;

export type MatrixColumn = (typeof matrixColumns)[number];

export type Inbound = "openai" | "anthropic";

/** Native adapters first (each has its own compat-<vendor>.test.ts), then the OpenAI-compatible ones. */
export const openaiInboundRows = [
  "anthropic",
  "gemini",
  "bedrock",
  "cohere",
  "azure",
  "openai",
  "groq",
  "deepseek",
  "mistral",
  "xai",
  "openrouter",
] as const;

/** Inbound Anthropic Messages API: Claude models passed through, every other model translated. */
export const anthropicInboundRows = ["passthrough", "translated"] as const;

export const rowsByInbound: Record<Inbound, readonly string[]> = {
  openai: openaiInboundRows,
  anthropic: anthropicInboundRows,
};

/** Bracketed tags that are allowed in titles but are not matrix columns. */
export const ignoredTags: readonly string[] = ["embeddings"];

export const inboundAnthropicTag = "inbound anthropic";

/**
 * The test files scanned, relative to the repository root. A compat-<vendor> file's tests belong to
 * that vendor; in the shared files each claiming title names its vendor(s) in brackets too.
 */
export const compatibilityTestDirectory = "packages/gateway/test";
export const sharedVendorTestFiles = ["openai-sdk-chat.test.ts", "request-errors.test.ts"];
export const inboundAnthropicTestFiles = ["messages-api.test.ts"];
