// Wire types of the OpenAI Chat Completions API: the hub shape every provider translates to and from.
// Only the fields the gateway reads or writes are typed; everything else passes through untouched.

export type ChatRole = "system" | "developer" | "user" | "assistant" | "tool";

export interface TextContentPart {
  type: "text";
  text: string;
}

export interface ImageContentPart {
  type: "image_url";
  image_url: { url: string; detail?: "auto" | "low" | "high" };
}

export type ContentPart = TextContentPart | ImageContentPart | { type: string; [key: string]: unknown };

export interface ToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

/**
 * Reasoning that must round-trip to the vendor verbatim (Anthropic thinking signatures, redacted
 * thinking, Gemini thought signatures). OpenRouter's `reasoning_details` shape, so clients that already
 * send it back work unchanged. `format` names the vendor encoding, e.g. "anthropic-claude-v1".
 */
export type ReasoningDetail =
  | { type: "reasoning.text"; text: string; signature?: string | null; format?: string; index?: number }
  | { type: "reasoning.encrypted"; data: string; format?: string; index?: number; id?: string };

export interface ChatMessage {
  role: ChatRole;
  content?: string | ContentPart[] | null;
  name?: string;
  tool_calls?: ToolCall[];
  tool_call_id?: string;
  reasoning_content?: string | null;
  /** On assistant messages: replayed to the vendor on the next turn. */
  reasoning_details?: ReasoningDetail[];
  [key: string]: unknown;
}

export interface ChatCompletionRequest {
  model: string;
  messages: ChatMessage[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean; [key: string]: unknown } | null;
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  tools?: unknown[];
  tool_choice?: unknown;
  response_format?: { type: string; [key: string]: unknown };
  reasoning_effort?: string;
  [key: string]: unknown;
}

export interface CompletionTokensDetails {
  reasoning_tokens?: number;
  [key: string]: unknown;
}

export interface PromptTokensDetails {
  cached_tokens?: number;
  [key: string]: unknown;
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: PromptTokensDetails | null;
  completion_tokens_details?: CompletionTokensDetails | null;
  /** Cost of the request in USD, added by the gateway. */
  cost?: number;
  [key: string]: unknown;
}

export interface ChatCompletionChoice {
  index: number;
  message: ChatMessage;
  finish_reason: string | null;
  logprobs?: unknown;
  [key: string]: unknown;
}

export interface ChatCompletion {
  id: string;
  object: "chat.completion";
  created: number;
  model: string;
  choices: ChatCompletionChoice[];
  usage?: Usage;
  [key: string]: unknown;
}

export interface ToolCallDelta {
  index: number;
  id?: string;
  type?: "function";
  function?: { name?: string; arguments?: string };
}

export interface ChatCompletionChunkChoice {
  index: number;
  delta: {
    role?: ChatRole;
    content?: string | null;
    reasoning_content?: string | null;
    /** Streamed pieces; a client concatenates `text` and keeps the last `signature` per index. */
    reasoning_details?: ReasoningDetail[];
    tool_calls?: ToolCallDelta[];
    [key: string]: unknown;
  };
  finish_reason: string | null;
  logprobs?: unknown;
  [key: string]: unknown;
}

export interface ChatCompletionChunk {
  id: string;
  object: "chat.completion.chunk";
  created: number;
  model: string;
  choices: ChatCompletionChunkChoice[];
  usage?: Usage | null;
  [key: string]: unknown;
}
