// The inbound side of Anthropic's Messages API as the gateway reads and writes it. Only the fields the
// translation touches are typed; anything else passes through (passthrough) or is reported (translated).

export interface InboundContentBlock {
  type: string;
  [key: string]: unknown;
}

export interface InboundMessage {
  role: "user" | "assistant";
  content: string | InboundContentBlock[];
}

export interface InboundTool {
  name: string;
  type?: string;
  description?: string;
  input_schema?: Record<string, unknown>;
  [key: string]: unknown;
}

/** The body of POST /v1/messages after validation; unknown fields are kept. */
export interface MessagesRequest {
  model: string;
  max_tokens?: number;
  messages: InboundMessage[];
  system?: string | InboundContentBlock[];
  stream?: boolean;
  temperature?: number;
  top_p?: number;
  top_k?: number;
  stop_sequences?: string[];
  tools?: InboundTool[];
  tool_choice?: { type: string; name?: string; disable_parallel_tool_use?: boolean };
  thinking?: { type: string; budget_tokens?: number; [key: string]: unknown };
  output_config?: { effort?: string | null; format?: { type: string; schema?: unknown } | null };
  metadata?: { user_id?: string | null; [key: string]: unknown };
  [key: string]: unknown;
}

export type StopReason = "end_turn" | "max_tokens" | "stop_sequence" | "tool_use" | "refusal";

export interface MessagesUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

export type OutboundContentBlock =
  | { type: "text"; text: string }
  | { type: "thinking"; thinking: string; signature: string }
  | { type: "redacted_thinking"; data: string }
  | { type: "tool_use"; id: string; name: string; input: unknown };

export interface OutboundMessage {
  id: string;
  type: "message";
  role: "assistant";
  model: string;
  content: OutboundContentBlock[];
  stop_reason: StopReason | null;
  stop_sequence: string | null;
  usage: MessagesUsage;
}

/** One event of the Messages stream: the SSE `event:` name and the JSON `data:` object. */
export interface MessagesStreamEvent {
  event: string;
  data: Record<string, unknown>;
}
