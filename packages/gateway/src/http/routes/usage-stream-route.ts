import type { FastifyInstance } from "fastify";
import { encodeSseData, GatewayError } from "@aigateway/protocol";
import { KvUnavailableError } from "../../kv/kv-store.ts";
import type { LiveUsage } from "../../usage/live-usage.ts";
import { requireProfile } from "../middleware/authenticate.ts";
import { toUsageRow } from "./usage-routes.ts";

/** A comment line now and then keeps proxies from closing an idle stream. */
const heartbeatMs = 15_000;

/**
 * `GET /v1/usage/stream`: server-sent events, one `data:` per usage row of the calling account as it is
 * stored, from whichever replica served the request (what `aig tail` follows). An account key sees its
 * sub-accounts' rows too; a sub-account key only its own.
 */
export function registerUsageStreamRoute(app: FastifyInstance, live: LiveUsage): void {
  app.get("/v1/usage/stream", async (request, reply) => {
    const profile = requireProfile(request);
    const scope = profile.parent
      ? { billingAccountId: profile.billing.id, accountId: profile.account.id }
      : { billingAccountId: profile.billing.id };
    const raw = reply.raw;
    const stop = await live
      .listen(scope, (record) => {
        if (!raw.writableEnded) raw.write(encodeSseData(JSON.stringify(toUsageRow(record))));
      })
      .catch((error: unknown) => {
        if (!(error instanceof KvUnavailableError)) throw error;
        throw new GatewayError("service_unavailable", {
          message: "The live usage stream is unavailable right now (shared counter store unreachable).",
          headers: { "retry-after": "1" },
        });
      });
    void reply.hijack();
    raw.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      "x-accel-buffering": "no",
    });
    raw.write(": listening\n\n");
    const heartbeat = setInterval(() => raw.write(": heartbeat\n\n"), heartbeatMs);
    heartbeat.unref();
    raw.on("close", () => {
      clearInterval(heartbeat);
      stop();
    });
  });
}
