import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import type { ChatCompletion, ChatCompletionRequest, GatewayError } from "@aigateway/protocol";
import { encodeSseData, sseDone, toErrorEnvelope } from "@aigateway/protocol";
import type { Catalog } from "../catalog/catalog.ts";
import type { ChatResult, ChatStreamItem, ChatTarget } from "../providers/provider-adapter.ts";
import { completeWithEcho, streamWithEcho } from "../providers/echo/echo-model.ts";
import { toOpenAiUsage } from "../providers/openai-compatible/read-openai-usage.ts";
import type { ProviderRegistry } from "../routing/provider-registry.ts";
import {
  createRouter,
  systemRoutingClock,
  type RouteCandidate,
  type RoutePlan,
  type Router,
} from "../routing/create-router.ts";
import { assessComplexity } from "../routing/assess-complexity.ts";
import { decideAutoRoute, type AutoRouteDecision } from "../routing/decide-auto-route.ts";
import {
  readFailedAttempts,
  runAttempts,
  toTraceHeaders,
  type AttemptRecord,
} from "../routing/run-attempts.ts";
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
import { readUpstreamJson } from "./read-upstream-json.ts";
import { clientClosedStatus, type RequestContext } from "./request-context.ts";
import type { StreamSink } from "./stream-sink.ts";
import type { Admission, SpendGuard } from "../accounts/spend-guard.ts";
import { estimateWorstCaseChatCost } from "../usage/estimate-worst-case-cost.ts";
import { createModelAllowance, readChatIntent } from "./read-chat-intent.ts";
import {
  computeAutoRouteCharges,
  toAutoChargeHeaders,
  toAutoDecisionHeaders,
  type AutoRouteCharges,
} from "./auto-route-headers.ts";
import { computeChatCacheKey } from "../cache/chat-cache-key.ts";
import type { CachedCompletion, ResponseCache } from "../cache/response-cache.ts";
import { createChatStreamAccumulator, type ChatStreamAccumulator } from "../cache/accumulate-chat-stream.ts";
import { toReplayChunks } from "../cache/replay-completion-chunks.ts";

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
  /** Live route stats, breakers and clock; one with the system clock when absent. */
  router?: Router;
  /** The response cache; absent means no caching. */
  cache?: ResponseCache;
  /** Share of the Auto Router's gross saving billed as its fee (AIG_AUTO_ROUTE_FEE_PERCENT, default 0). */
  autoRouteFeePercent?: number;
}

interface Outcome {
  status: number;
  errorType: string | null;
  usage: TokenUsage;
  costNanodollars: number;
  timeToFirstTokenMs: number | null;
}

/** Where the request went: the plan, every attempt, the route that answered (if one did). */
interface Trace {
  plan: RoutePlan | undefined;
  auto: AutoRouteDecision | undefined;
  attempts: AttemptRecord[];
  served: RouteCandidate | undefined;
  /** The entry that answered, on a cache hit. */
  cacheHit: CachedCompletion | undefined;
}

/** The gateway's last chunk of a stream: no choices, the usage with its cost. */
function encodeUsageFrame(
  id: string,
  created: number,
  model: string,
  tokens: TokenUsage,
  costNanodollars: number,
): string {
  const usage = toOpenAiUsage(tokens, toUsd(costNanodollars));
  return encodeSseData(
    JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices: [], usage }),
  );
}

function emptyTrace(): Trace {
  return { plan: undefined, auto: undefined, attempts: [], served: undefined, cacheHit: undefined };
}

function warningHeader(model: string, dropped: readonly string[]): Record<string, string> {
  return dropped.length > 0
    ? { "x-aig-warning": `Dropped unsupported parameters for ${model}: ${dropped.join(", ")}` }
    : {};
}

function toTarget(candidate: RouteCandidate): ChatTarget {
  return {
    slug: candidate.model.id,
    upstreamModel: candidate.route.upstreamId,
    maxOutputTokens: candidate.model.entry.max_output_tokens,
  };
}

function requestedModel(request: ChatCompletionRequest): string | null {
  const model: unknown = request.model;
  if (typeof model === "string") return model.slice(0, 200);
  if (Array.isArray(model) && typeof model[0] === "string") return model[0].slice(0, 200);
  return model === undefined ? "auto" : null;
}

export function createChatService(options: ChatServiceOptions): ChatService {
  const { catalog, providers, upstream, usage, spendGuard, cache } = options;
  const router = options.router ?? createRouter({ catalog, providers, clock: systemRoutingClock });
  const feePercent = options.autoRouteFeePercent ?? 0;

  /** The ordered candidates for a request (and the Auto Router's decision when it chose the model). */
  function planChat(
    context: RequestContext,
    request: ChatCompletionRequest,
  ): { plan: RoutePlan; auto: AutoRouteDecision | undefined; asked: string | undefined } {
    const intent = readChatIntent(request);
    const isAllowed = createModelAllowance(context.profile);
    let models = intent.models;
    let auto: AutoRouteDecision | undefined;
    if (models === undefined) {
      const maxTokens = request.max_completion_tokens ?? request.max_tokens;
      auto = decideAutoRoute({
        catalog,
        modality: "text",
        reading: assessComplexity(request),
        promptTokens: estimatePromptTokens(request.messages),
        maxOutputTokens: typeof maxTokens === "number" ? maxTokens : undefined,
        bias: intent.bias,
        baselineId: intent.baselineModel,
        requiredCapabilities: intent.requiredCapabilities,
        priceOf: (model) => (isAllowed(model.id) ? router.usablePrice(model) : undefined),
      });
      models = auto.models.map((model) => model.id);
    }
    const plan = router.plan({
      models,
      modality: "text",
      stream: request.stream === true,
      routing: intent.routing,
      siblingFallback: intent.siblingFallback && auto === undefined,
      requiredCapabilities: intent.requiredCapabilities,
      isAllowed,
    });
    return { plan, auto, asked: auto?.selected.id ?? intent.models?.[0] };
  }

  /**
   * One reservation for the whole request, whichever candidate ends up answering: the worst case of
   * the dearest candidate, checked against the allow-list of the model asked for (403/402/503).
   */
  async function admit(
    context: RequestContext,
    request: ChatCompletionRequest,
    { plan, auto, asked }: ReturnType<typeof planChat>,
  ): Promise<Admission | undefined> {
    if (!spendGuard || !context.profile) return undefined;
    const model = asked ?? plan.candidates[0]?.model.id ?? "";
    const primary = catalog.find(model)?.id ?? model;
    // Computed only when a cap applies: the spend guard calls it, most requests never do.
    const worstCase = (): number => {
      let highest = 0;
      const seen = new Set<string>();
      for (const candidate of plan.candidates) {
        if (seen.has(candidate.model.id)) continue;
        seen.add(candidate.model.id);
        highest = Math.max(highest, estimateWorstCaseChatCost(request, candidate.model));
      }
      // With a fee, model cost plus fee never exceeds the baseline's cost for the same tokens.
      if (auto && feePercent > 0)
        highest = Math.max(highest, estimateWorstCaseChatCost(request, auto.baseline));
      return highest;
    };
    return spendGuard.admit(context.profile, context.tag, primary, worstCase);
  }

  function recordUsage(
    context: RequestContext,
    request: ChatCompletionRequest,
    trace: Trace,
    outcome: Outcome,
    admission?: Admission,
  ): void {
    admission?.settle(outcome.costNanodollars);
    const last = trace.served ?? trace.plan?.candidates[0];
    const lastAttempt = trace.attempts.at(-1);
    usage.record({
      requestId: context.requestId,
      accountId: context.accountId,
      billingAccountId: context.billingAccountId,
      keyId: context.keyId,
      tag: context.tag,
      endpoint: context.endpoint ?? "/v1/chat/completions",
      model:
        trace.cacheHit?.model ??
        trace.served?.model.id ??
        lastAttempt?.model ??
        last?.model.id ??
        requestedModel(request),
      provider: trace.cacheHit?.provider ?? trace.served?.route.provider ?? lastAttempt?.provider ?? null,
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
      attempts: trace.attempts.length,
      attemptLog: trace.attempts.length > 0 ? JSON.stringify(trace.attempts) : null,
      cacheHit: trace.cacheHit !== undefined,
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

  /** The cost of a served request: the route's price, plus the Auto Router's fee when it chose. */
  function priceServed(
    trace: Trace,
    tokens: TokenUsage,
  ): { costNanodollars: number; charges: AutoRouteCharges | undefined } {
    const served = trace.served as RouteCandidate;
    const modelCost = computeCostNanodollars(tokens, served.route.price);
    if (!trace.auto) return { costNanodollars: modelCost, charges: undefined };
    const charges = computeAutoRouteCharges(trace.auto, tokens, modelCost, feePercent);
    return { costNanodollars: modelCost + charges.feeNanodollars, charges };
  }

  function cacheKeyFor(context: RequestContext, request: ChatCompletionRequest): string | undefined {
    if (!cache?.isEligible(request, context.cacheMode ?? "auto")) return undefined;
    return computeChatCacheKey(context.billingAccountId, request);
  }

  function cacheHeaders(hit: boolean): Record<string, string> {
    return cache?.enabled ? { "x-aig-cache": hit ? "hit" : "miss" } : {};
  }

  function storeInCache(
    key: string | undefined,
    completion: ChatCompletion,
    trace: Trace,
    tokens: TokenUsage,
    costNanodollars: number,
  ): void {
    if (!key || !cache || !trace.served) return;
    const { usage: _usage, ...withoutUsage } = completion;
    void cache.write(key, {
      completion: withoutUsage,
      model: trace.served.model.id,
      provider: trace.served.route.provider,
      usage: tokens,
      costNanodollars,
      storedAt: Date.now(),
    });
  }

  /** A hit: the key must still be allowed the model that answered, and caps see the hit's price. */
  async function admitHit(
    context: RequestContext,
    hit: CachedCompletion,
  ): Promise<{ admission: Admission | undefined; costNanodollars: number }> {
    const costNanodollars = cache?.priceHit(hit) ?? 0;
    const admission =
      spendGuard && context.profile
        ? await spendGuard.admit(context.profile, context.tag, hit.model, costNanodollars)
        : undefined;
    return { admission, costNanodollars };
  }

  function hitHeaders(hit: CachedCompletion, costNanodollars: number): Record<string, string> {
    return {
      ...cacheHeaders(true),
      "x-aig-served-by": hit.model,
      "x-aig-provider": hit.provider,
      "x-aig-attempts": "0",
      "x-cost-cents": formatCents(costNanodollars),
    };
  }

  function hitTrace(hit: CachedCompletion): Trace {
    return { ...emptyTrace(), cacheHit: hit };
  }

  async function complete(
    context: RequestContext,
    request: ChatCompletionRequest,
    signal: AbortSignal,
  ): Promise<ChatReply> {
    const trace = emptyTrace();
    let admission: Admission | undefined;
    try {
      const cacheKey = cacheKeyFor(context, request);
      const hit = cacheKey ? await cache?.read(cacheKey) : undefined;
      if (hit) {
        const charged = await admitHit(context, hit);
        admission = charged.admission;
        const completion: ChatCompletion = {
          ...hit.completion,
          usage: toOpenAiUsage(hit.usage, toUsd(charged.costNanodollars)),
        };
        recordUsage(
          context,
          request,
          hitTrace(hit),
          {
            status: 200,
            errorType: null,
            usage: hit.usage,
            costNanodollars: charged.costNanodollars,
            timeToFirstTokenMs: Math.round(performance.now() - context.startedAt),
          },
          admission,
        );
        return { completion, payload: undefined, headers: hitHeaders(hit, charged.costNanodollars) };
      }

      const planned = planChat(context, request);
      const { plan, auto } = planned;
      trace.plan = plan;
      trace.auto = auto;
      admission = await admit(context, request, planned);
      const outcome = await runAttempts(router, plan, signal, async (candidate) => {
        const started = performance.now();
        const { request: prepared, dropped } = prepareChatRequest(request, candidate.model);
        const target = toTarget(candidate);
        let result: ChatResult;
        let raw: Buffer | undefined;
        if (!candidate.adapter) {
          result = completeWithEcho(prepared, target.slug, `chatcmpl-${randomUUID()}`);
        } else {
          const adapter = candidate.adapter;
          const upstreamRequest = await adapter.toChatRequest(prepared, target);
          dropped.push(...(upstreamRequest.droppedParameters ?? []));
          const response = await upstream.send(adapter.id, upstreamRequest, signal);
          if (response.statusCode < 200 || response.statusCode >= 300) {
            throw await readUpstreamFailure(adapter, response);
          }
          const read = await readUpstreamJson(adapter, response, signal);
          raw = read.raw;
          const body = read.body;
          try {
            result = adapter.fromChatResponse(body, target, prepared);
          } catch (error) {
            // A 200 whose body is not a completion is the provider's fault: another route may do better.
            throw adapter.toUpstreamError(502, `unreadable completion: ${String(error)}`, response.headers);
          }
        }
        const elapsed = performance.now() - started;
        return {
          value: { result, raw, dropped },
          latencyMs: elapsed,
          completionTokens: result.usage.completionTokens,
          durationMs: elapsed,
        };
      });
      trace.attempts = outcome.attempts;
      trace.served = outcome.candidate;
      const { result, raw, dropped } = outcome.value;
      const { costNanodollars, charges } = priceServed(trace, result.usage);
      const costUsd = toUsd(costNanodollars);
      const upstreamUsage = result.completion.usage;
      // A vendor's own usage.cost (OpenRouter sends one) is replaced, which the byte patch cannot do.
      const payload =
        raw && result.unchangedFromUpstream && upstreamUsage && !Object.hasOwn(upstreamUsage, "cost")
          ? patchModelAndCost(raw, outcome.candidate.model.id, costUsd)
          : undefined;
      result.completion.usage = upstreamUsage
        ? { ...upstreamUsage, cost: costUsd }
        : toOpenAiUsage(result.usage, costUsd);
      recordUsage(
        context,
        request,
        trace,
        {
          status: 200,
          errorType: null,
          usage: result.usage,
          costNanodollars,
          timeToFirstTokenMs: Math.round(performance.now() - context.startedAt),
        },
        admission,
      );
      storeInCache(cacheKey, result.completion, trace, result.usage, costNanodollars);
      const headers: Record<string, string> = {
        ...toTraceHeaders(plan, outcome.attempts.length, outcome.candidate),
        ...warningHeader(outcome.candidate.model.id, dropped),
        ...cacheHeaders(false),
        "x-cost-cents": formatCents(costNanodollars),
      };
      if (auto && charges) Object.assign(headers, toAutoDecisionHeaders(auto), toAutoChargeHeaders(charges));
      return { completion: result.completion, payload, headers };
    } catch (error) {
      if (trace.attempts.length === 0) trace.attempts = readFailedAttempts(error);
      recordUsage(
        context,
        request,
        trace,
        failedOutcome(error, signal.aborted ? clientClosedStatus : undefined),
        admission,
      );
      throw error;
    }
  }

  /** A cached answer replayed as a stream: the same chunks a live stream of it would carry. */
  async function replayHit(
    context: RequestContext,
    request: ChatCompletionRequest,
    hit: CachedCompletion,
    sink: StreamSink,
    signal: AbortSignal,
  ): Promise<void> {
    const { admission, costNanodollars } = await admitHit(context, hit);
    sink.open(hitHeaders(hit, costNanodollars));
    let frames = "";
    for (const chunk of toReplayChunks(hit.completion)) frames += encodeSseData(chunk);
    frames += encodeUsageFrame(
      hit.completion.id,
      hit.completion.created,
      hit.model,
      hit.usage,
      costNanodollars,
    );
    frames += sseDone;
    if (!sink.write(frames) && !signal.aborted) await sink.drain();
    sink.end();
    recordUsage(
      context,
      request,
      hitTrace(hit),
      {
        status: 200,
        errorType: null,
        usage: hit.usage,
        costNanodollars,
        timeToFirstTokenMs: Math.round(performance.now() - context.startedAt),
      },
      admission,
    );
  }

  async function stream(
    context: RequestContext,
    request: ChatCompletionRequest,
    sink: StreamSink,
    signal: AbortSignal,
  ): Promise<void> {
    const trace = emptyTrace();
    let admission: Admission | undefined;
    let opened = false;
    // The attempt in progress: what it has sent so far (reset for each attempt).
    let timeToFirstTokenMs: number | null = null;
    let contentChunks = 0;
    let reportedUsage: TokenUsage | undefined;
    let completionId = `chatcmpl-${randomUUID()}`;
    let created = Math.floor(Date.now() / 1000);
    let current: RouteCandidate | undefined;
    let accumulator: ChatStreamAccumulator | undefined;

    const write = async (frame: string): Promise<void> => {
      if (!sink.write(frame)) await sink.drain();
    };
    // What a stream that ends early cost: the upstream's count if it came, else an estimate.
    const usageSoFar = (): TokenUsage =>
      reportedUsage ?? {
        ...emptyTokenUsage,
        promptTokens: estimatePromptTokens(request.messages),
        completionTokens: contentChunks,
      };

    try {
      const cacheKey = cacheKeyFor(context, request);
      const hit = cacheKey ? await cache?.read(cacheKey) : undefined;
      if (hit) {
        trace.cacheHit = hit;
        opened = true;
        await replayHit(context, request, hit, sink, signal);
        return;
      }
      const planned = planChat(context, request);
      const { plan, auto } = planned;
      trace.plan = plan;
      trace.auto = auto;
      admission = await admit(context, request, planned);

      const outcome = await runAttempts(router, plan, signal, async (candidate, attemptNumber) => {
        const started = performance.now();
        current = candidate;
        timeToFirstTokenMs = null;
        contentChunks = 0;
        reportedUsage = undefined;
        accumulator = cacheKey && cache ? createChatStreamAccumulator(cache.maxEntryBytes) : undefined;
        const { request: prepared, dropped } = prepareChatRequest(request, candidate.model);
        const target = toTarget(candidate);
        const headersFor = (extraDropped: readonly string[]): Record<string, string> => ({
          ...toTraceHeaders(plan, attemptNumber, candidate),
          ...warningHeader(candidate.model.id, [...dropped, ...extraDropped]),
          ...cacheHeaders(false),
          ...(auto ? toAutoDecisionHeaders(auto) : {}),
        });
        let headers = headersFor([]);

        // Frames are held back until the first one exists: a failure before it can still go elsewhere.
        const forward = async (items: readonly ChatStreamItem[]): Promise<GatewayError | undefined> => {
          let frames = "";
          let failure: GatewayError | undefined;
          for (const item of items) {
            if (item.type === "chunk") {
              if (item.hasContent) {
                contentChunks++;
                timeToFirstTokenMs ??= Math.round(performance.now() - context.startedAt);
              }
              accumulator?.push(item.data);
              frames += encodeSseData(item.data);
            } else if (item.type === "usage") {
              reportedUsage = item.usage;
            } else {
              failure = item.error;
              break;
            }
          }
          if (frames) {
            if (!opened) {
              sink.open(headers);
              opened = true;
            }
            await write(frames);
          }
          return failure;
        };

        let streamFailure: GatewayError | undefined;
        if (!candidate.adapter) {
          for (const item of streamWithEcho(prepared, target.slug, completionId)) {
            if (signal.aborted) break;
            streamFailure = await forward([item]);
            await yieldToEventLoop();
          }
          if (signal.aborted) throw signal.reason;
        } else {
          const adapter = candidate.adapter;
          const upstreamRequest = await adapter.toChatRequest(prepared, target);
          if (upstreamRequest.droppedParameters?.length)
            headers = headersFor(upstreamRequest.droppedParameters);
          const response = await upstream.send(adapter.id, upstreamRequest, signal);
          if (response.statusCode < 200 || response.statusCode >= 300) {
            throw await readUpstreamFailure(adapter, response);
          }
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
          if (signal.aborted) throw signal.reason;
          // Nothing reached the client yet: the failure may still be retried on another route.
          if (streamFailure && !opened) throw streamFailure;
          if (transform.completionId) completionId = transform.completionId;
          if (transform.created) created = transform.created;
        }
        if (!opened) {
          // An upstream that ended cleanly with nothing to say still gets a well-formed stream.
          sink.open(headers);
          opened = true;
        }
        const elapsed = performance.now() - started;
        return {
          value: streamFailure,
          latencyMs: timeToFirstTokenMs ?? elapsed,
          completionTokens: usageSoFar().completionTokens,
          durationMs: elapsed,
          failure: streamFailure,
        };
      });
      trace.attempts = outcome.attempts;
      trace.served = outcome.candidate;
      const streamFailure = outcome.value;
      const finalUsage = usageSoFar();
      const { costNanodollars } = priceServed(trace, finalUsage);
      if (streamFailure) {
        // The client already has a 200 and some chunks: the failure goes in-band, as the openai SDK expects.
        await write(encodeSseData(JSON.stringify(toErrorEnvelope(streamFailure).body)));
        sink.end();
        recordUsage(
          context,
          request,
          trace,
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
      await write(
        encodeUsageFrame(completionId, created, outcome.candidate.model.id, finalUsage, costNanodollars) +
          sseDone,
      );
      sink.end();
      recordUsage(
        context,
        request,
        trace,
        { status: 200, errorType: null, usage: finalUsage, costNanodollars, timeToFirstTokenMs },
        admission,
      );
      const streamed = accumulator?.finish({ id: completionId, created, model: outcome.candidate.model.id });
      if (streamed) storeInCache(cacheKey, streamed, trace, finalUsage, costNanodollars);
    } catch (error) {
      if (trace.attempts.length === 0) trace.attempts = readFailedAttempts(error);
      if (signal.aborted) {
        const finalUsage = usageSoFar();
        trace.served = opened ? current : undefined;
        recordUsage(
          context,
          request,
          trace,
          {
            status: clientClosedStatus,
            errorType: "client_closed",
            usage: finalUsage,
            costNanodollars: opened && current ? computeCostNanodollars(finalUsage, current.route.price) : 0,
            timeToFirstTokenMs,
          },
          admission,
        );
        if (opened) sink.end();
        return;
      }
      recordUsage(context, request, trace, failedOutcome(error), admission);
      if (!opened) throw error;
      // Unexpected failure after the stream started: still end it with an error event.
      const rendered = toErrorEnvelope(error);
      sink.write(encodeSseData(JSON.stringify(rendered.body)));
      sink.end();
    }
  }

  return { complete, stream };
}
