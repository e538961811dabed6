// Wire types of the Bedrock Converse / ConverseStream API (JSON protocol: blobs are base64 strings).
// Only the fields the gateway writes or reads are typed.

export type ImageFormat = "png" | "jpeg" | "gif" | "webp";

export interface ReasoningTextBlock {
  text: string;
  signature?: string;
}

export interface ReasoningContentBlock {
  reasoningText?: ReasoningTextBlock;
  /** Base64 of the vendor's encrypted reasoning (Claude's redacted thinking). */
  redactedContent?: string;
}

export interface ToolUseBlock {
  toolUseId: string;
  name: string;
  input: unknown;
}

export interface ToolResultBlock {
  toolUseId: string;
  content: { text: string }[];
  status?: "success" | "error";
}

export interface ContentBlock {
  text?: string;
  image?: { format: ImageFormat; source: { bytes: string } };
  toolUse?: ToolUseBlock;
  toolResult?: ToolResultBlock;
  reasoningContent?: ReasoningContentBlock;
  [key: string]: unknown;
}

export interface ConverseMessage {
  role: "user" | "assistant";
  content: ContentBlock[];
}

export interface ToolSpecification {
  toolSpec: { name: string; description?: string; inputSchema: { json: unknown } };
}

export type ToolChoice = { auto: object } | { any: object } | { tool: { name: string } };

export interface ToolConfiguration {
  tools: ToolSpecification[];
  toolChoice?: ToolChoice;
}

export interface InferenceConfiguration {
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  stopSequences?: string[];
}

export interface OutputConfiguration {
  textFormat: {
    type: "json_schema";
    /** `schema` is the JSON Schema serialised to a string, as the API requires. */
    structure: { jsonSchema: { schema: string; name?: string; description?: string } };
  };
}

export interface ConverseRequest {
  messages: ConverseMessage[];
  system?: { text: string }[];
  inferenceConfig?: InferenceConfiguration;
  toolConfig?: ToolConfiguration;
  outputConfig?: OutputConfiguration;
  /** Model-specific fields passed through as-is (Claude's `thinking`). */
  additionalModelRequestFields?: Record<string, unknown>;
}

export interface ConverseUsage {
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
  cacheReadInputTokens?: number;
  cacheWriteInputTokens?: number;
}

export interface ConverseResponse {
  output?: { message?: { role?: string; content?: ContentBlock[] } };
  stopReason?: string;
  usage?: ConverseUsage;
}
