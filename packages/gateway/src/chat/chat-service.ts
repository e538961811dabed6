import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import type { ChatCompletion, ChatCompletionRequest, GatewayError } from "@aigateway/protocol";
import { encodeSseData, sseDone, toErrorEnvelope } from "@aigateway/protocol";
import type { Catalog } from "../catalog/catalog.ts";
import type { ChatStreamItem, ChatTarget } from "../providers/provider-adapter.ts";
import { completeWithEcho, streamWithEcho } from "../providers/echo/echo-model.ts";
import { toOpenAiUsage } from "../providers/openai-compatible/read-openai-usage.ts";
import type { ProviderRegistry } from "../routing/provider-registry.ts";
import { resolveRoute, type ResolvedRoute } from "../routing/resolve-route.ts";
import type { UpstreamClient } from "../upstream/upstream-client.ts";
import { toTransportError } from "../upstream/upstream-client.ts";
import { createUpstreamEventDecoder } from "../upstream/create-upstream-event-decoder.ts";
import { computeCostNanodollars } from "../usage/compute-cost.ts";
import { formatCents, toUsd } from "../usage/format-money.ts";
import { emptyTokenUsage, type TokenUsage } from "../usage/token-usage.ts";
import type { UsageWriter } from "../usage/usage-writer.ts";
import { estimatePromptTokens } from "./estimate-tokens.ts";
import { patchModelAndCost } from "../json/patch-model-and-cost.ts";
import { prepareChatRequest } from "./prepare-chat-request.ts";
import { readUpstreamFailure } from "./read-upstream-failure.ts";
import type { RequestContext } from "./request-context.ts";
import type { StreamSink } from "./stream-sink.ts";
import type { Admission, SpendGuard } from "../accounts/spend-guard.ts";
import { estimateWorstCaseChatCost } from "../usage/estimate-worst-case-cost.ts";

export interface ChatService {
  complete(context: RequestContext, request: ChatCompletionRequest, signal: AbortSignal): Promise<ChatReply>;
  /** Streams to `sink`. Throws (before the sink is opened) when the request fails before its first byte. */
  stream(
    context: RequestContext,
    request: ChatCompletionRequest,
    sink: StreamSink,
    signal: AbortSignal,
  ): Promise<void>;
}

export interface ChatReply {
  completion: ChatCompletion;
  /** The answer as bytes, when it could be made from the upstream's bytes without re-serialising. */
  payload: Buffer | undefined;
  headers: Record<string, string>;
}

export interface ChatServiceOptions {
  catalog: Catalog;
  providers: ProviderRegistry;
  upstream: UpstreamClient;
  usage: UsageWriter;
  /** Allowed models and spend caps; absent in tests of the bare chat path. */
  spendGuard?: SpendGuard;
}

interface Outcome {
  status: number;
  errorType: string | null;
  usage: TokenUsage;
  costNanodollars: number;
  timeToFirstTokenMs: number | null;
}

/** Client disconnects are logged with nginx's 499 ("client closed request"). */
const clientClosedStatus = 499;

function successHeaders(resolved: ResolvedRoute, dropped: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = { "x-aig-provider": resolved.route.provider };
  if (dropped.length > 0) {
    headers["x-aig-warning"] =
      `Dropped unsupported parameters for ${resolved.model.id}: ${dropped.join(", ")}`;
  }
  return headers;
}

export function createChatService(options: ChatServiceOptions): ChatService {
  const { catalog, providers, upstream, usage, spendGuard } = options;

  /** Reserves the request's worst-case cost on every cap that applies (403/402/503 when it cannot). */
  async function admit(
    context: RequestContext,
    request: ChatCompletionRequest,
    resolved: ResolvedRoute,
  ): Promise<Admission | undefined> {
    if (!spendGuard || !context.profile) return undefined;
    return spendGuard.admit(
      context.profile,
      context.tag,
      resolved.model.id,
      estimateWorstCaseChatCost(request, resolved.model),
    );
  }

  function recordUsage(
    context: RequestContext,
    request: ChatCompletionRequest,
    resolved: ResolvedRoute | undefined,
    outcome: Outcome,
    admission?: Admission,
  ): void {
    admission?.settle(outcome.costNanodollars);
    usage.record({
      requestId: context.requestId,
      accountId: context.accountId,
      billingAccountId: context.billingAccountId,
      keyId: context.keyId,
      tag: context.tag,
      endpoint: context.endpoint ?? "/v1/chat/completions",
      model: resolved?.model.id ?? (typeof request.model === "string" ? request.model.slice(0, 200) : null),
      provider: resolved?.route.provider ?? null,
      status: outcome.status,
      errorType: outcome.errorType,
      stream: request.stream === true,
      latencyMs: Math.round(performance.now() - context.startedAt),
      timeToFirstTokenMs: outcome.timeToFirstTokenMs,
      promptTokens: outcome.usage.promptTokens,
      completionTokens: outcome.usage.completionTokens,
      cachedTokens: outcome.usage.cachedTokens,
      cacheWriteTokens: outcome.usage.cacheWriteTokens,
      reasoningTokens: outcome.usage.reasoningTokens,
      costNanodollars: outcome.costNanodollars,
      createdAt: Date.now(),
    });
  }

  function failedOutcome(error: unknown, status?: number): Outcome {
    const rendered = toErrorEnvelope(error);
    return {
      status: status ?? rendered.status,
      errorType: rendered.body.error.type,
      usage: emptyTokenUsage,
      costNanodollars: 0,
      timeToFirstTokenMs: null,
    };
  }

  async function complete(
    context: RequestContext,
    request: ChatCompletionRequest,
    signal: AbortSignal,
  ): Promise<ChatReply> {
    let resolved: ResolvedRoute | undefined;
    let admission: Admission | undefined;
    try {
      resolved = resolveRoute(catalog, providers, request.model, "text");
      const { request: prepared, dropped } = prepareChatRequest(request, resolved.model);
      const target: ChatTarget = {
        slug: resolved.model.id,
        upstreamModel: resolved.route.upstreamId,
        maxOutputTokens: resolved.model.entry.max_output_tokens,
      };
      admission = await admit(context, prepared, resolved);
      let result;
      let raw: Buffer | undefined;
      if (!resolved.adapter) {
        result = completeWithEcho(prepared, target.slug, `chatcmpl-${randomUUID()}`);
      } else {
        const adapter = resolved.adapter;
        const upstreamRequest = await adapter.toChatRequest(prepared, target);
        dropped.push(...(upstreamRequest.droppedParameters ?? []));
        const response = await upstream.send(adapter.id, upstreamRequest, signal);
        if (response.statusCode < 200 || response.statusCode >= 300) {
          throw await readUpstreamFailure(adapter, response);
        }
        let body: unknown;
        try {
          raw = Buffer.from(await response.body.arrayBuffer());
          body = JSON.parse(raw.toString("utf8"));
        } catch (error) {
          if (signal.aborted) throw error;
          throw error instanceof SyntaxError
            ? adapter.toUpstreamError(502, "malformed JSON body", response.headers)
            : toTransportError(adapter.id, error);
        }
        result = adapter.fromChatResponse(body, target, prepared);
      }
      const costNanodollars = computeCostNanodollars(result.usage, resolved.route.price);
      const costUsd = toUsd(costNanodollars);
      const upstreamUsage = result.completion.usage;
      // A vendor's own usage.cost (OpenRouter sends one) is replaced, which the byte patch cannot do.
      const payload =
        raw && result.unchangedFromUpstream && upstreamUsage && !Object.hasOwn(upstreamUsage, "cost")
          ? patchModelAndCost(raw, resolved.model.id, costUsd)
          : undefined;
      result.completion.usage = upstreamUsage
        ? { ...upstreamUsage, cost: costUsd }
        : toOpenAiUsage(result.usage, costUsd);
      recordUsage(
        context,
        request,
        resolved,
        {
          status: 200,
          errorType: null,
          usage: result.usage,
          costNanodollars,
          timeToFirstTokenMs: Math.round(performance.now() - context.startedAt),
        },
        admission,
      );
      const headers = successHeaders(resolved, dropped);
      headers["x-cost-cents"] = formatCents(costNanodollars);
      return { completion: result.completion, payload, headers };
    } catch (error) {
      recordUsage(
        context,
        request,
        resolved,
        failedOutcome(error, signal.aborted ? clientClosedStatus : undefined),
        admission,
      );
      throw error;
    }
  }

  async function stream(
    context: RequestContext,
    request: ChatCompletionRequest,
    sink: StreamSink,
    signal: AbortSignal,
  ): Promise<void> {
    let resolved: ResolvedRoute | undefined;
    let admission: Admission | undefined;
    let opened = false;
    let timeToFirstTokenMs: number | null = null;
    let contentChunks = 0;
    let reportedUsage: TokenUsage | undefined;
    let completionId = `chatcmpl-${randomUUID()}`;
    let created = Math.floor(Date.now() / 1000);

    const write = async (frame: string): Promise<void> => {
      if (!sink.write(frame)) await sink.drain();
    };
    // Returns an error item's error, after forwarding chunks.
    // Events decoded from one upstream read leave in one write (one syscall), not one write each.
    const forward = async (items: readonly ChatStreamItem[]): Promise<GatewayError | undefined> => {
      let frames = "";
      let failure: GatewayError | undefined;
      for (const item of items) {
        if (item.type === "chunk") {
          if (item.hasContent) {
            contentChunks++;
            timeToFirstTokenMs ??= Math.round(performance.now() - context.startedAt);
          }
          frames += encodeSseData(item.data);
        } else if (item.type === "usage") {
          reportedUsage = item.usage;
        } else {
          failure = item.error;
          break;
        }
      }
      if (frames) await write(frames);
      return failure;
    };
    // What a stream that ends early cost: the upstream's count if it came, else an estimate.
    const usageSoFar = (): TokenUsage =>
      reportedUsage ?? {
        ...emptyTokenUsage,
        promptTokens: estimatePromptTokens(request.messages),
        completionTokens: contentChunks,
      };

    try {
      resolved = resolveRoute(catalog, providers, request.model, "text");
      const { request: prepared, dropped } = prepareChatRequest(request, resolved.model);
      const target: ChatTarget = {
        slug: resolved.model.id,
        upstreamModel: resolved.route.upstreamId,
        maxOutputTokens: resolved.model.entry.max_output_tokens,
      };
      admission = await admit(context, prepared, resolved);
      let headers = successHeaders(resolved, dropped);
      let streamFailure: GatewayError | undefined;

      if (!resolved.adapter) {
        sink.open(headers);
        opened = true;
        for (const item of streamWithEcho(prepared, target.slug, completionId)) {
          if (signal.aborted) break;
          streamFailure = await forward([item]);
          await yieldToEventLoop();
        }
      } else {
        const adapter = resolved.adapter;
        const upstreamRequest = await adapter.toChatRequest(prepared, target);
        if (upstreamRequest.droppedParameters?.length) {
          headers = successHeaders(resolved, [...dropped, ...upstreamRequest.droppedParameters]);
        }
        const response = await upstream.send(adapter.id, upstreamRequest, signal);
        if (response.statusCode < 200 || response.statusCode >= 300) {
          throw await readUpstreamFailure(adapter, response);
        }
        sink.open(headers);
        opened = true;
        const transform = adapter.createChatStreamTransform(target, prepared);
        const decoder = createUpstreamEventDecoder(adapter.streamFraming);
        try {
          for await (const bytes of response.body as AsyncIterable<Buffer>) {
            const items: ChatStreamItem[] = [];
            for (const event of decoder.push(bytes)) {
              for (const item of transform.push(event)) items.push(item);
            }
            streamFailure = await forward(items);
            if (streamFailure) break;
          }
          streamFailure ??= await forward(transform.end());
        } catch (error) {
          if (signal.aborted) throw error;
          streamFailure = toTransportError(adapter.id, error);
        } finally {
          if (streamFailure || signal.aborted) response.body.destroy();
        }
        if (transform.completionId) completionId = transform.completionId;
        if (transform.created) created = transform.created;
      }

      if (signal.aborted) throw signal.reason;
      const finalUsage = usageSoFar();
      const costNanodollars = computeCostNanodollars(finalUsage, resolved.route.price);
      if (streamFailure) {
        // The client already has a 200 and some chunks: the failure goes in-band, as the openai SDK expects.
        await write(encodeSseData(JSON.stringify(toErrorEnvelope(streamFailure).body)));
        sink.end();
        recordUsage(
          context,
          request,
          resolved,
          {
            status: streamFailure.status,
            errorType: streamFailure.type,
            usage: finalUsage,
            costNanodollars,
            timeToFirstTokenMs,
          },
          admission,
        );
        return;
      }
      const usageChunk = {
        id: completionId,
        object: "chat.completion.chunk",
        created,
        model: resolved.model.id,
        choices: [],
        usage: toOpenAiUsage(finalUsage, toUsd(costNanodollars)),
      };
      await write(encodeSseData(JSON.stringify(usageChunk)));
      await write(sseDone);
      sink.end();
      recordUsage(
        context,
        request,
        resolved,
        {
          status: 200,
          errorType: null,
          usage: finalUsage,
          costNanodollars,
          timeToFirstTokenMs,
        },
        admission,
      );
    } catch (error) {
      if (signal.aborted) {
        const finalUsage = usageSoFar();
        recordUsage(
          context,
          request,
          resolved,
          {
            status: clientClosedStatus,
            errorType: "client_closed",
            usage: finalUsage,
            costNanodollars: resolved ? computeCostNanodollars(finalUsage, resolved.route.price) : 0,
            timeToFirstTokenMs,
          },
          admission,
        );
        if (opened) sink.end();
        return;
      }
      recordUsage(context, request, resolved, failedOutcome(error), admission);
      if (!opened) throw error;
      // Unexpected failure after the stream started: still end it with an error event.
      const rendered = toErrorEnvelope(error);
      sink.write(encodeSseData(JSON.stringify(rendered.body)));
      sink.end();
    }
  }

  return { complete, stream };
}
