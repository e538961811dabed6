import { performance } from "node:perf_hooks";
import type { EmbeddingRequest, EmbeddingResponse } from "@aigateway/protocol";
import { GatewayError, toErrorEnvelope } from "@aigateway/protocol";
import type { Catalog } from "../catalog/catalog.ts";
import type { RequestContext } from "../chat/request-context.ts";
import { readUpstreamFailure } from "../chat/read-upstream-failure.ts";
import type { ProviderRegistry } from "../routing/provider-registry.ts";
import { resolveRoute, type ResolvedRoute } from "../routing/resolve-route.ts";
import type { UpstreamClient } from "../upstream/upstream-client.ts";
import { toTransportError } from "../upstream/upstream-client.ts";
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
}): EmbeddingService {
  const { catalog, providers, upstream, usage, spendGuard } = options;

  function record(
    context: RequestContext,
    request: EmbeddingRequest,
    resolved: ResolvedRoute | undefined,
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
      model: resolved?.model.id ?? request.model.slice(0, 200),
      provider: resolved?.route.provider ?? null,
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
    });
  }

  return {
    async embed(context, request, signal) {
      let resolved: ResolvedRoute | undefined;
      let admission: Admission | undefined;
      try {
        resolved = resolveRoute(catalog, providers, request.model, "embedding");
        const adapter = resolved.adapter;
        if (!adapter?.toEmbeddingRequest || !adapter.fromEmbeddingResponse) {
          throw new GatewayError("invalid_request", {
            param: "model",
            message: `Provider ${resolved.route.provider} does not serve embeddings.`,
          });
        }
        const target = { slug: resolved.model.id, upstreamModel: resolved.route.upstreamId };
        if (spendGuard && context.profile) {
          admission = await spendGuard.admit(
            context.profile,
            context.tag,
            resolved.model.id,
            estimateWorstCaseEmbeddingCost(request, resolved.model),
          );
        }
        const upstreamRequest = await adapter.toEmbeddingRequest(request, target);
        const response = await upstream.send(adapter.id, upstreamRequest, signal);
        if (response.statusCode < 200 || response.statusCode >= 300) {
          throw await readUpstreamFailure(adapter, response);
        }
        let body: unknown;
        let raw: Buffer;
        try {
          raw = Buffer.from(await response.body.arrayBuffer());
          body = JSON.parse(raw.toString("utf8"));
        } catch (error) {
          if (signal.aborted) throw error;
          throw toTransportError(adapter.id, error);
        }
        const result = adapter.fromEmbeddingResponse(body, target, request);
        const costNanodollars = computeCostNanodollars(result.usage, resolved.route.price);
        const upstreamUsage = result.response.usage as Record<string, unknown> | undefined;
        // Large vectors make re-serialising expensive: answer with the upstream bytes, patched.
        const payload =
          result.unchangedFromUpstream && upstreamUsage && !Object.hasOwn(upstreamUsage, "cost")
            ? patchModelAndCost(raw, resolved.model.id, toUsd(costNanodollars))
            : undefined;
        result.response.usage = { ...result.response.usage, cost: toUsd(costNanodollars) };
        record(context, request, resolved, 200, null, result.usage, costNanodollars, admission);
        const headers: Record<string, string> = {
          "x-cost-cents": formatCents(costNanodollars),
          "x-aig-provider": resolved.route.provider,
        };
        if (upstreamRequest.droppedParameters?.length) {
          headers["x-aig-warning"] =
            `Dropped unsupported parameters for ${resolved.model.id}: ${upstreamRequest.droppedParameters.join(", ")}`;
        }
        return { response: result.response, payload, headers };
      } catch (error) {
        const rendered = toErrorEnvelope(error);
        record(
          context,
          request,
          resolved,
          signal.aborted ? 499 : rendered.status,
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
