import { performance } from "node:perf_hooks";
import type { EmbeddingRequest, EmbeddingResponse } from "@aigateway/protocol";
import { GatewayError, toErrorEnvelope } from "@aigateway/protocol";
import type { Catalog } from "../catalog/catalog.ts";
import { clientClosedStatus, type RequestContext } from "../chat/request-context.ts";
import { readUpstreamFailure } from "../chat/read-upstream-failure.ts";
import { readUpstreamJson } from "../chat/read-upstream-json.ts";
import type { ProviderRegistry } from "../routing/provider-registry.ts";
import {
  createRouter,
  systemRoutingClock,
  type RouteCandidate,
  type Router,
} from "../routing/create-router.ts";
import {
  readFailedAttempts,
  runAttempts,
  toTraceHeaders,
  type AttemptRecord,
} from "../routing/run-attempts.ts";
import { createModelAllowance } from "../chat/read-chat-intent.ts";
import type { UpstreamClient } from "../upstream/upstream-client.ts";
import { patchModelAndCost } from "../json/patch-model-and-cost.ts";
import { computeCostNanodollars } from "../usage/compute-cost.ts";
import { formatCents, toUsd } from "../usage/format-money.ts";
import { emptyTokenUsage, type TokenUsage } from "../usage/token-usage.ts";
import type { UsageWriter } from "../usage/usage-writer.ts";
import type { Admission, SpendGuard } from "../accounts/spend-guard.ts";
import { estimateWorstCaseEmbeddingCost } from "../usage/estimate-worst-case-cost.ts";

export interface EmbeddingService {
  embed(
    context: RequestContext,
    request: EmbeddingRequest,
    signal: AbortSignal,
  ): Promise<{ response: EmbeddingResponse; payload: Buffer | undefined; headers: Record<string, string> }>;
}

export function createEmbeddingService(options: {
  catalog: Catalog;
  providers: ProviderRegistry;
  upstream: UpstreamClient;
  usage: UsageWriter;
  spendGuard?: SpendGuard;
  /** Live route stats, breakers and clock; one with the system clock when absent. */
  router?: Router;
}): EmbeddingService {
  const { catalog, providers, upstream, usage, spendGuard } = options;
  const router = options.router ?? createRouter({ catalog, providers, clock: systemRoutingClock });

  function record(
    context: RequestContext,
    request: EmbeddingRequest,
    resolved: RouteCandidate | undefined,
    attempts: readonly AttemptRecord[],
    status: number,
    errorType: string | null,
    tokens: TokenUsage,
    costNanodollars: number,
    admission: Admission | undefined,
  ): void {
    admission?.settle(costNanodollars);
    usage.record({
      requestId: context.requestId,
      accountId: context.accountId,
      billingAccountId: context.billingAccountId,
      keyId: context.keyId,
      tag: context.tag,
      endpoint: "/v1/embeddings",
      model: resolved?.model.id ?? attempts.at(-1)?.model ?? request.model.slice(0, 200),
      provider: resolved?.route.provider ?? attempts.at(-1)?.provider ?? null,
      status,
      errorType,
      stream: false,
      latencyMs: Math.round(performance.now() - context.startedAt),
      timeToFirstTokenMs: null,
      promptTokens: tokens.promptTokens,
      completionTokens: 0,
      cachedTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
      costNanodollars,
      createdAt: Date.now(),
      attempts: attempts.length,
      attemptLog: attempts.length > 0 ? JSON.stringify(attempts) : null,
    });
  }

  return {
    async embed(context, request, signal) {
      let served: RouteCandidate | undefined;
      let attempts: AttemptRecord[] = [];
      let admission: Admission | undefined;
      try {
        // Embeddings never fall back to a sibling model: another model's vectors live in another space.
        const plan = router.plan({
          models: [request.model],
          modality: "embedding",
          stream: false,
          routing: undefined,
          siblingFallback: false,
          requiredCapabilities: [],
          isAllowed: createModelAllowance(context.profile),
        });
        const first = plan.candidates[0] as RouteCandidate;
        if (spendGuard && context.profile) {
          // Computed only when a cap applies.
          const worstCase = (): number =>
            Math.max(
              0,
              ...plan.candidates.map((candidate) => estimateWorstCaseEmbeddingCost(request, candidate.model)),
            );
          admission = await spendGuard.admit(context.profile, context.tag, first.model.id, worstCase);
        }
        const outcome = await runAttempts(router, plan, signal, async (candidate) => {
          const started = performance.now();
          const adapter = candidate.adapter;
          if (!adapter?.toEmbeddingRequest || !adapter.fromEmbeddingResponse) {
            throw new GatewayError("invalid_request", {
              param: "model",
              message: `Provider ${candidate.route.provider} does not serve embeddings.`,
            });
          }
          const target = { slug: candidate.model.id, upstreamModel: candidate.route.upstreamId };
          const upstreamRequest = await adapter.toEmbeddingRequest(request, target);
          const response = await upstream.send(adapter.id, upstreamRequest, signal);
          if (response.statusCode < 200 || response.statusCode >= 300) {
            throw await readUpstreamFailure(adapter, response);
          }
          const { raw, body } = await readUpstreamJson(adapter, response, signal);
          let result;
          try {
            result = adapter.fromEmbeddingResponse(body, target, request);
          } catch (error) {
            throw adapter.toUpstreamError(502, `unreadable embeddings: ${String(error)}`, response.headers);
          }
          const elapsed = performance.now() - started;
          return {
            value: { result, raw, dropped: upstreamRequest.droppedParameters ?? [] },
            latencyMs: elapsed,
            completionTokens: 0,
            durationMs: elapsed,
          };
        });
        served = outcome.candidate;
        attempts = outcome.attempts;
        const { result, raw, dropped } = outcome.value;
        const costNanodollars = computeCostNanodollars(result.usage, served.route.price);
        const upstreamUsage = result.response.usage as Record<string, unknown> | undefined;
        // Large vectors make re-serialising expensive: answer with the upstream bytes, patched.
        const payload =
          result.unchangedFromUpstream && upstreamUsage && !Object.hasOwn(upstreamUsage, "cost")
            ? patchModelAndCost(raw, served.model.id, toUsd(costNanodollars))
            : undefined;
        result.response.usage = { ...result.response.usage, cost: toUsd(costNanodollars) };
        record(context, request, served, attempts, 200, null, result.usage, costNanodollars, admission);
        const headers: Record<string, string> = {
          ...toTraceHeaders(plan, attempts.length, served),
          "x-cost-cents": formatCents(costNanodollars),
        };
        if (dropped.length > 0) {
          headers["x-aig-warning"] =
            `Dropped unsupported parameters for ${served.model.id}: ${dropped.join(", ")}`;
        }
        return { response: result.response, payload, headers };
      } catch (error) {
        const rendered = toErrorEnvelope(error);
        if (attempts.length === 0) attempts = readFailedAttempts(error);
        record(
          context,
          request,
          served,
          attempts,
          signal.aborted ? clientClosedStatus : rendered.status,
          rendered.body.error.type,
          emptyTokenUsage,
          0,
          admission,
        );
        throw error;
      }
    },
  };
}
