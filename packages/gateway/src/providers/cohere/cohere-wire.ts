// Wire types of Cohere's v2 Chat and Embed APIs (https://docs.cohere.com/reference/chat), only the
// fields the gateway reads or writes.

export interface CohereTextContent {
  type: "text";
  text: string;
}

export interface CohereThinkingContent {
  type: "thinking";
  thinking: string;
}

export interface CohereImageContent {
  type: "image_url";
  image_url: { url: string; detail?: string };
}

export interface CohereToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string | null };
}

export type CohereMessage =
  | { role: "system"; content: string | CohereTextContent[] }
  | { role: "user"; content: string | (CohereTextContent | CohereImageContent)[] }
  | {
      role: "assistant";
      content?: (CohereTextContent | CohereThinkingContent)[];
      tool_plan?: string;
      tool_calls?: CohereToolCall[];
    }
  | { role: "tool"; tool_call_id: string; content: string | CohereTextContent[] };

export interface CohereChatBody {
  model: string;
  messages: CohereMessage[];
  stream: boolean;
  [field: string]: unknown;
}

/** `usage` in responses and in the stream's `message-end` event. */
export interface CohereUsage {
  billed_units?: { input_tokens?: number; output_tokens?: number } | null;
  tokens?: { input_tokens?: number; output_tokens?: number } | null;
  cached_tokens?: number | null;
}

/** A span of the answer grounded in documents or tool results; kept verbatim for the client. */
export type CohereCitation = Record<string, unknown>;

export interface CohereChatResponse {
  id?: string;
  finish_reason?: string;
  message?: {
    role?: string;
    content?: (CohereTextContent | CohereThinkingContent | { type: string })[] | null;
    tool_plan?: string | null;
    tool_calls?: CohereToolCall[] | null;
    citations?: CohereCitation[] | null;
  };
  usage?: CohereUsage;
}

export interface CohereEmbedResponse {
  id?: string;
  embeddings?: { float?: number[][] };
  meta?: { billed_units?: { input_tokens?: number } };
}
