// The contract every upstream provider implements. OpenAI's chat shape is the hub: adapters translate
// from it and back to it with pure functions, and never see the HTTP framework or raw SSE bytes.
import type {
  ChatCompletion,
  ChatCompletionRequest,
  EmbeddingRequest,
  EmbeddingResponse,
  SseEvent,
  UpstreamError,
} from "@aigateway/protocol";
import type { TokenUsage } from "../usage/token-usage.ts";

/** The wire protocol a provider speaks; picks its adapter in create-provider-adapter.ts. */
export type ProviderApi = "openai" | "anthropic" | "gemini" | "bedrock" | "cohere" | "azure";

/** Where and how to reach one provider, from the environment or `aigateway.config.json`. */
export interface ProviderConfig {
  id: string;
  api: ProviderApi;
  baseUrl: string;
  apiKey: string | undefined;
  /** What the operator must set to enable this provider, named in "not configured" errors. */
  setupHint: string;
  /** Local servers (Ollama, vLLM) need no key. */
  requiresApiKey: boolean;
  headers: Record<string, string>;
  /** Vendor-specific settings (AWS region and secret, Azure api-version…), named by the adapter. */
  settings: Record<string, string>;
}

/** "aws-eventstream" is Bedrock's binary application/vnd.amazon.eventstream framing. */
export type StreamFraming = "sse" | "aws-eventstream";

/** What the router hands an adapter: the catalog slug the client asked for and the upstream model id. */
export interface ChatTarget {
  slug: string;
  upstreamModel: string;
  /** The catalog model's output limit, for vendors that require max_tokens (Anthropic); 0 = unknown. */
  maxOutputTokens?: number;
}

export interface UpstreamHttpRequest {
  /** scheme://host:port, the key of the connection pool. */
  origin: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  /** Request fields the vendor cannot express and the adapter left out; reported in `x-aig-warning`. */
  droppedParameters?: string[];
}

/** What a stream transform yields for each upstream event. */
export type ChatStreamItem =
  /** A chat.completion.chunk, serialised, ready to forward. */
  | { type: "chunk"; data: string; hasContent: boolean }
  /** The upstream's token counts; the gateway adds cost and emits the final usage chunk itself. */
  | { type: "usage"; usage: TokenUsage }
  | { type: "error"; error: UpstreamError };

export interface ChatStreamTransform {
  push(event: SseEvent): ChatStreamItem[];
  /** Called when the upstream body ends; reports a truncated stream as an error. */
  end(): ChatStreamItem[];
  /** The completion id and creation time seen in the stream, for the gateway's own final chunk. */
  readonly completionId: string;
  readonly created: number;
}

export interface ChatResult {
  completion: ChatCompletion;
  usage: TokenUsage;
  /**
   * True when `completion` equals the upstream's JSON body except for `model`, so the gateway may
   * answer with the upstream bytes (patched) instead of re-serialising the object.
   */
  unchangedFromUpstream: boolean;
}

export interface ProviderAdapter {
  readonly id: string;
  readonly config: ProviderConfig;
  /**
   * How the upstream frames a streamed body; "sse" when absent. The gateway decodes frames into
   * SseEvent objects in shared code (upstream/create-upstream-event-decoder.ts) before `push`.
   */
  readonly streamFraming?: StreamFraming;
  /** May be async: request signing (AWS SigV4) hashes the body with an async library. */
  toChatRequest(
    request: ChatCompletionRequest,
    target: ChatTarget,
  ): UpstreamHttpRequest | Promise<UpstreamHttpRequest>;
  /**
   * `request` is what toChatRequest was given, for vendors whose answer is read according to what was
   * asked (Anthropic's JSON mode arrives as a forced tool call that becomes message content).
   */
  fromChatResponse(body: unknown, target: ChatTarget, request?: ChatCompletionRequest): ChatResult;
  createChatStreamTransform(target: ChatTarget, request?: ChatCompletionRequest): ChatStreamTransform;
  toEmbeddingRequest?(
    request: EmbeddingRequest,
    target: ChatTarget,
  ): UpstreamHttpRequest | Promise<UpstreamHttpRequest>;
  /** `request` is the client's, for what shapes the answer (e.g. `encoding_format`). */
  fromEmbeddingResponse?(
    body: unknown,
    target: ChatTarget,
    request: EmbeddingRequest,
  ): { response: EmbeddingResponse; usage: TokenUsage; unchangedFromUpstream: boolean };
  toUpstreamError(
    status: number,
    body: unknown,
    headers: Record<string, string | string[] | undefined>,
  ): UpstreamError;
}
