import { randomUUID } from "node:crypto";
import type { SpendGuard } from "../accounts/spend-guard.ts";
import type { Catalog } from "../catalog/catalog.ts";
import type { ChatService } from "../chat/chat-service.ts";
import { estimatePromptTokens, estimateTokens } from "../chat/estimate-tokens.ts";
import type { RequestContext } from "../chat/request-context.ts";
import type { StreamSink } from "../chat/stream-sink.ts";
import type { ProviderAdapter } from "../providers/provider-adapter.ts";
import type { ProviderRegistry } from "../routing/provider-registry.ts";
import { resolveRoute, type ResolvedRoute } from "../routing/resolve-route.ts";
import type { UpstreamClient } from "../upstream/upstream-client.ts";
import type { UsageWriter } from "../usage/usage-writer.ts";
import { addWarnings } from "./add-warnings.ts";
import type { MessagesRequest, OutboundMessage } from "./anthropic-messages-types.ts";
import {
  completePassthrough,
  countTokensPassthrough,
  messagesEndpoint,
  streamPassthrough,
} from "./anthropic-passthrough.ts";
import { createMessagesStreamSink } from "./create-messages-stream-sink.ts";
import { toAnthropicMessage } from "./to-anthropic-message.ts";
import { toCatalogSlug } from "./to-catalog-slug.ts";
import { toChatRequest } from "./to-chat-request.ts";
import type { AnthropicClientHeaders } from "./to-passthrough-request.ts";

export interface MessagesReply {
  /** The upstream's bytes (passthrough) or the translated message. */
  body: Buffer | OutboundMessage | { input_tokens: number };
  headers: Record<string, string>;
}

export interface MessagesService {
  /** Answers a non-streamed request. */
  create(
    context: RequestContext,
    body: MessagesRequest,
    client: AnthropicClientHeaders,
    signal: AbortSignal,
  ): Promise<MessagesReply>;
  /** Streams Anthropic events to `sink`; throws (before opening it) when the request fails early. */
  stream(
    context: RequestContext,
    body: MessagesRequest,
    client: AnthropicClientHeaders,
    sink: StreamSink,
    signal: AbortSignal,
  ): Promise<void>;
  countTokens(
    context: RequestContext,
    body: MessagesRequest,
    client: AnthropicClientHeaders,
    signal: AbortSignal,
  ): Promise<MessagesReply>;
}

export interface MessagesServiceOptions {
  catalog: Catalog;
  providers: ProviderRegistry;
  upstream: UpstreamClient;
  usage: UsageWriter;
  chat: ChatService;
  /** The chat service's caps, applied to passthrough calls too. */
  spendGuard?: SpendGuard | undefined;
}

type AnthropicRoute = ResolvedRoute & { adapter: ProviderAdapter };

const newMessageId = (): string => `msg_${randomUUID().replaceAll("-", "")}`;

/**
 * POST /v1/messages for every catalog model. A model served by an Anthropic-API provider gets the
 * client's body forwarded as is (nothing lost in translation); any other model runs through the chat
 * service on the OpenAI-shaped hub, with the request and answer translated at this edge only.
 */
export function createMessagesService(options: MessagesServiceOptions): MessagesService {
  const { catalog, providers, chat } = options;
  const passthrough = { upstream: options.upstream, usage: options.usage, spendGuard: options.spendGuard };

  function toSlug(body: MessagesRequest): string {
    return toCatalogSlug(body.model, (slug) => catalog.find(slug) !== undefined);
  }

  /**
   * The route when its provider speaks Anthropic's API. Resolution errors are left to the chat service,
   * which answers and logs them for the translated path.
   */
  function findAnthropicRoute(slug: string): AnthropicRoute | undefined {
    let resolved: ResolvedRoute;
    try {
      resolved = resolveRoute(catalog, providers, slug, "text");
    } catch {
      return undefined;
    }
    return resolved.adapter?.config.api === "anthropic" ? (resolved as AnthropicRoute) : undefined;
  }

  const forChat = (context: RequestContext): RequestContext => ({ ...context, endpoint: messagesEndpoint });

  return {
    async create(context, body, client, signal) {
      const slug = toSlug(body);
      const anthropic = findAnthropicRoute(slug);
      if (anthropic) {
        const reply = await completePassthrough(passthrough, {
          context,
          resolved: anthropic,
          body,
          client,
          signal,
        });
        return { body: reply.payload, headers: reply.headers };
      }
      const { request, warnings } = toChatRequest({ ...body, stream: false }, slug);
      const reply = await chat.complete(forChat(context), request, signal);
      return {
        body: toAnthropicMessage(reply.completion, body.model, newMessageId()),
        headers: addWarnings(reply.headers, slug, warnings),
      };
    },

    async stream(context, body, client, sink, signal) {
      const slug = toSlug(body);
      const anthropic = findAnthropicRoute(slug);
      if (anthropic) {
        await streamPassthrough(passthrough, { context, resolved: anthropic, body, client, signal }, sink);
        return;
      }
      const { request, warnings } = toChatRequest({ ...body, stream: true }, slug);
      const messagesSink = createMessagesStreamSink(sink, {
        id: newMessageId(),
        model: body.model,
        slug,
        estimatedInputTokens: estimatePromptTokens(request.messages),
        warnings,
        requestId: context.requestId,
      });
      await chat.stream(forChat(context), request, messagesSink, signal);
    },

    async countTokens(context, body, client, signal) {
      const slug = toSlug(body);
      const anthropic = findAnthropicRoute(slug);
      if (anthropic) {
        const payload = await countTokensPassthrough(passthrough, {
          context,
          resolved: anthropic,
          body,
          client,
          signal,
        });
        return { body: payload, headers: { "x-aig-token-count": "exact" } };
      }
      // An estimate needs no provider, but an unknown model is still the 404 (with suggestions) it is
      // on every route.
      if (!catalog.find(slug)) resolveRoute(catalog, providers, slug, "text");
      const { request } = toChatRequest(body, slug);
      const toolTokens = request.tools ? estimateTokens(JSON.stringify(request.tools)) : 0;
      return {
        body: { input_tokens: estimatePromptTokens(request.messages) + toolTokens },
        headers: { "x-aig-token-count": "estimate" },
      };
    },
  };
}
