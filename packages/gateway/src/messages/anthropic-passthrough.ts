import { performance } from "node:perf_hooks";
import type { GatewayError } from "@aigateway/protocol";
import { createSseDecoder, encodeSseEvent, toErrorEnvelope, UpstreamError } from "@aigateway/protocol";
import type { ChatMessage } from "@aigateway/protocol";
import type { Admission, SpendGuard } from "../accounts/spend-guard.ts";
import { clientClosedStatus, type RequestContext } from "../chat/request-context.ts";
import { readUpstreamFailure } from "../chat/read-upstream-failure.ts";
import type { StreamSink } from "../chat/stream-sink.ts";
import { createUnreadableResponseError } from "../providers/create-unreadable-response-error.ts";
import type { ProviderAdapter } from "../providers/provider-adapter.ts";
import type { AnthropicUsage } from "../providers/anthropic/anthropic-wire-types.ts";
import { readAnthropicUsage } from "../providers/anthropic/read-anthropic-usage.ts";
import { toAnthropicUpstreamError } from "../providers/anthropic/to-anthropic-upstream-error.ts";
import type { ResolvedRoute } from "../routing/resolve-route.ts";
import type { UpstreamClient } from "../upstream/upstream-client.ts";
import { toTransportError } from "../upstream/upstream-client.ts";
import { computeCostNanodollars } from "../usage/compute-cost.ts";
import { estimateWorstCaseChatCost } from "../usage/estimate-worst-case-cost.ts";
import { formatCents } from "../usage/format-money.ts";
import { emptyTokenUsage, type TokenUsage } from "../usage/token-usage.ts";
import type { UsageWriter } from "../usage/usage-writer.ts";
import { toMessagesErrorEvent } from "./to-messages-error.ts";
import { toPassthroughRequest, type AnthropicClientHeaders } from "./to-passthrough-request.ts";
import { watchPassthroughStream } from "./watch-passthrough-stream.ts";

export const messagesEndpoint = "/v1/messages";

export interface PassthroughDependencies {
  upstream: UpstreamClient;
  usage: UsageWriter;
  spendGuard: SpendGuard | undefined;
}

export interface PassthroughCall {
  context: RequestContext;
  /** A route whose provider speaks Anthropic's API. */
  resolved: ResolvedRoute & { adapter: ProviderAdapter };
  body: Record<string, unknown>;
  client: AnthropicClientHeaders;
  signal: AbortSignal;
  /** The spend reservation held while the request runs; settled when its usage is recorded. */
  admission?: Admission | undefined;
}

export interface PassthroughReply {
  payload: Buffer;
  headers: Record<string, string>;
}

interface Outcome {
  status: number;
  errorType: string | null;
  usage: TokenUsage;
  timeToFirstTokenMs: number | null;
}

function record(dependencies: PassthroughDependencies, call: PassthroughCall, outcome: Outcome): number {
  const { context, resolved } = call;
  const costNanodollars = computeCostNanodollars(outcome.usage, resolved.route.price);
  call.admission?.settle(costNanodollars);
  dependencies.usage.record({
    requestId: context.requestId,
    accountId: context.accountId,
    billingAccountId: context.billingAccountId,
    keyId: context.keyId,
    tag: context.tag,
    endpoint: messagesEndpoint,
    model: resolved.model.id,
    provider: resolved.route.provider,
    status: outcome.status,
    errorType: outcome.errorType,
    stream: call.body.stream === true,
    latencyMs: Math.round(performance.now() - context.startedAt),
    timeToFirstTokenMs: outcome.timeToFirstTokenMs,
    promptTokens: outcome.usage.promptTokens,
    completionTokens: outcome.usage.completionTokens,
    cachedTokens: outcome.usage.cachedTokens,
    cacheWriteTokens: outcome.usage.cacheWriteTokens,
    reasoningTokens: outcome.usage.reasoningTokens,
    costNanodollars,
    createdAt: Date.now(),
  });
  return costNanodollars;
}

function recordFailure(
  dependencies: PassthroughDependencies,
  call: PassthroughCall,
  error: unknown,
  usage: TokenUsage = emptyTokenUsage,
): void {
  const rendered = toErrorEnvelope(error);
  record(dependencies, call, {
    status: rendered.status,
    errorType: rendered.body.error.type,
    usage,
    timeToFirstTokenMs: null,
  });
}

/**
 * Reserves the worst case on the caller's caps, as the chat service does. The bound is computed over
 * the Anthropic body's JSON (system, messages and tools alike), which only leans high.
 */
async function admit(dependencies: PassthroughDependencies, call: PassthroughCall): Promise<void> {
  const { spendGuard } = dependencies;
  const { context, resolved, body } = call;
  if (!spendGuard || !context.profile) return;
  const worstCase = estimateWorstCaseChatCost(
    {
      model: resolved.model.id,
      messages: (Array.isArray(body.messages) ? body.messages : []) as ChatMessage[],
      tools: [body.system ?? null, ...(Array.isArray(body.tools) ? (body.tools as unknown[]) : [])],
      max_tokens: typeof body.max_tokens === "number" ? body.max_tokens : null,
    },
    resolved.model,
  );
  call.admission = await spendGuard.admit(context.profile, context.tag, resolved.model.id, worstCase);
}

async function send(
  dependencies: PassthroughDependencies,
  call: PassthroughCall,
  operation: "messages" | "count_tokens",
) {
  const { resolved } = call;
  if (operation === "messages") await admit(dependencies, call);
  const request = toPassthroughRequest(
    resolved.adapter.config,
    operation,
    call.body,
    resolved.route.upstreamId,
    call.client,
  );
  const response = await dependencies.upstream.send(resolved.adapter.id, request, call.signal);
  if (response.statusCode < 200 || response.statusCode >= 300) {
    throw await readUpstreamFailure(resolved.adapter, response);
  }
  return response;
}

/** A non-streamed Messages call forwarded to Anthropic; the answer is the upstream's bytes. */
export async function completePassthrough(
  dependencies: PassthroughDependencies,
  call: PassthroughCall,
): Promise<PassthroughReply> {
  try {
    const response = await send(dependencies, call, "messages");
    const payload = Buffer.from(await response.body.arrayBuffer());
    let usage: AnthropicUsage | undefined;
    try {
      usage = (JSON.parse(payload.toString("utf8")) as { usage?: AnthropicUsage }).usage;
    } catch {
      throw createUnreadableResponseError(
        call.resolved.adapter.id,
        payload.subarray(0, 500).toString("utf8"),
      );
    }
    const costNanodollars = record(dependencies, call, {
      status: 200,
      errorType: null,
      usage: readAnthropicUsage(usage),
      timeToFirstTokenMs: Math.round(performance.now() - call.context.startedAt),
    });
    return {
      payload,
      headers: {
        "x-aig-provider": call.resolved.route.provider,
        "x-cost-cents": formatCents(costNanodollars),
      },
    };
  } catch (error) {
    if (call.signal.aborted) {
      record(dependencies, call, {
        status: clientClosedStatus,
        errorType: "client_closed",
        usage: emptyTokenUsage,
        timeToFirstTokenMs: null,
      });
    } else recordFailure(dependencies, call, error);
    throw error;
  }
}

/**
 * A streamed Messages call forwarded to Anthropic: each upstream read is written to the client as it
 * arrives (bytes unchanged) while the events are watched for usage, completion and errors. A stream
 * that breaks or ends without message_stop gets an `error` event, as Anthropic's own would.
 */
export async function streamPassthrough(
  dependencies: PassthroughDependencies,
  call: PassthroughCall,
  sink: StreamSink,
): Promise<void> {
  const { context, signal } = call;
  const watcher = watchPassthroughStream();
  let opened = false;
  let timeToFirstTokenMs: number | null = null;
  const usageSoFar = (): TokenUsage => (watcher.usage ? readAnthropicUsage(watcher.usage) : emptyTokenUsage);
  const writeError = (status: number, message: string): void => {
    const event = toMessagesErrorEvent(status, message, context.requestId);
    sink.write(encodeSseEvent(event.event, JSON.stringify(event.data)));
  };

  try {
    const response = await send(dependencies, call, "messages");
    sink.open({ "x-aig-provider": call.resolved.route.provider });
    opened = true;
    const text = new TextDecoder();
    const decoder = createSseDecoder();
    let failure: GatewayError | undefined;
    try {
      for await (const bytes of response.body as AsyncIterable<Buffer>) {
        const frame = text.decode(bytes, { stream: true });
        for (const event of decoder.push(frame)) watcher.push(event);
        if (watcher.sawContent) timeToFirstTokenMs ??= Math.round(performance.now() - context.startedAt);
        if (!sink.write(frame)) await sink.drain();
        if (watcher.failure !== undefined) break;
      }
    } catch (error) {
      if (signal.aborted) throw error;
      failure = toTransportError(call.resolved.adapter.id, error);
    } finally {
      if (failure || signal.aborted || watcher.failure !== undefined) response.body.destroy();
    }
    if (signal.aborted) throw signal.reason;
    if (watcher.failure !== undefined) {
      // The client already has Anthropic's own error event; it is only recorded here.
      const error = toAnthropicUpstreamError(call.resolved.adapter.id, null, watcher.failure, {});
      sink.end();
      record(dependencies, call, {
        status: error.status,
        errorType: error.type,
        usage: usageSoFar(),
        timeToFirstTokenMs,
      });
      return;
    }
    if (!failure && !watcher.sawMessageStop) {
      failure = new UpstreamError("provider_error", {
        provider: call.resolved.adapter.id,
        upstreamStatus: null,
        message: `Provider ${call.resolved.adapter.id} ended the stream before it was complete.`,
      });
    }
    if (failure) writeError(failure.status, failure.message);
    sink.end();
    record(dependencies, call, {
      status: failure ? failure.status : 200,
      errorType: failure ? failure.type : null,
      usage: usageSoFar(),
      timeToFirstTokenMs,
    });
  } catch (error) {
    if (signal.aborted) {
      record(dependencies, call, {
        status: clientClosedStatus,
        errorType: "client_closed",
        usage: usageSoFar(),
        timeToFirstTokenMs,
      });
      if (opened) sink.end();
      return;
    }
    recordFailure(dependencies, call, error, usageSoFar());
    if (!opened) throw error;
    const rendered = toErrorEnvelope(error);
    writeError(rendered.status, rendered.body.error.message);
    sink.end();
  }
}

/** Anthropic's exact token count for the request (no inference, nothing billed). */
export async function countTokensPassthrough(
  dependencies: PassthroughDependencies,
  call: PassthroughCall,
): Promise<Buffer> {
  const response = await send(dependencies, call, "count_tokens");
  return Buffer.from(await response.body.arrayBuffer());
}
