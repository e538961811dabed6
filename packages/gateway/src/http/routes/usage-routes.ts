import type { FastifyInstance } from "fastify";
import type { UsageRecord, UsageStore } from "../../storage/storage.ts";
import { toCents } from "../../usage/format-money.ts";
import type { UsageWriter } from "../../usage/usage-writer.ts";
import { requirePrincipal } from "../middleware/authenticate.ts";
import { parseWithSchema } from "../validation/parse-with-schema.ts";
import { recentUsageQuerySchema } from "../validation/recent-usage-query-schema.ts";

function toUsageRow(record: UsageRecord) {
  return {
    request_id: record.requestId,
    endpoint: record.endpoint,
    model: record.model,
    provider: record.provider,
    status: record.status,
    error_type: record.errorType,
    stream: record.stream,
    latency_ms: record.latencyMs,
    ttft_ms: record.timeToFirstTokenMs,
    prompt_tokens: record.promptTokens,
    completion_tokens: record.completionTokens,
    cached_tokens: record.cachedTokens,
    reasoning_tokens: record.reasoningTokens,
    cost_cents: toCents(record.costNanodollars),
    cost_nanodollars: record.costNanodollars,
    tag: record.tag,
    key_id: record.keyId,
    created_at: new Date(record.createdAt).toISOString(),
  };
}

export function registerUsageRoutes(app: FastifyInstance, store: UsageStore, writer: UsageWriter): void {
  app.get("/v1/usage/recent", async (request) => {
    const principal = requirePrincipal(request);
    const query = parseWithSchema(recentUsageQuerySchema, request.query);
    // Off the hot path: make the caller's own latest requests visible before reading.
    await writer.flush();
    const records = await store.listRecentUsage(principal.accountId, query.limit ?? 100);
    return { object: "list", data: records.map(toUsageRow) };
  });
}
