import { Agent, request } from "undici";
import type { WebhookUrlGuard } from "./webhook-url-guard.ts";

export interface WebhookPost {
  url: string;
  body: string;
  headers: Record<string, string>;
  /** Aborts the attempt (shutdown). */
  signal: AbortSignal;
}

/** A status code when the receiver answered; an error message when it did not or answered non-2xx. */
export interface WebhookPostResult {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
}

export interface WebhookSender {
  post(post: WebhookPost): Promise<WebhookPostResult>;
  close(): Promise<void>;
}

// Enough of a failing receiver's answer to tell why, without storing whatever it sends.
const maxErrorBodyBytes = 512;

async function readStart(body: AsyncIterable<Buffer>, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= limit) break;
  }
  return Buffer.concat(chunks).subarray(0, limit).toString("utf8");
}

function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  const code = (error as NodeJS.ErrnoException).code;
  const detail = cause instanceof Error && cause.message !== error.message ? `: ${cause.message}` : "";
  return `${code && !error.message.includes(code) ? `${code} ` : ""}${error.message}${detail}`;
}

/**
 * Posts webhooks through their own undici Agent, so the SSRF lookup applies to every connection and
 * receivers never share pools with provider traffic. Redirects are not followed (a redirect could
 * point anywhere), and the whole attempt is bounded by `timeoutMs`.
 */
export function createWebhookSender(options: { guard: WebhookUrlGuard; timeoutMs: number }): WebhookSender {
  const { guard, timeoutMs } = options;
  const agent = new Agent({
    connect: { timeout: timeoutMs, lookup: guard.lookup },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    keepAliveTimeout: 10_000,
    connections: 16,
  });

  return {
    async post({ url, body, headers, signal }) {
      const refusal = guard.refuseLiteralHost(new URL(url));
      if (refusal) return { ok: false, statusCode: null, error: `refused: ${refusal}` };
      try {
        const response = await request(url, {
          method: "POST",
          body,
          headers,
          dispatcher: agent,
          signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
        });
        const ok = response.statusCode >= 200 && response.statusCode < 300;
        if (ok) {
          await response.body.dump();
          return { ok, statusCode: response.statusCode, error: null };
        }
        const excerpt = await readStart(response.body, maxErrorBodyBytes).catch(() => "");
        response.body.destroy();
        const suffix = excerpt.trim() ? `: ${excerpt.trim()}` : "";
        return { ok, statusCode: response.statusCode, error: `HTTP ${response.statusCode}${suffix}` };
      } catch (error) {
        const timedOut = !signal.aborted && error instanceof Error && /timeout|aborted/i.test(error.name);
        return {
          ok: false,
          statusCode: null,
          error: timedOut ? `no answer within ${timeoutMs} ms` : describeFailure(error),
        };
      }
    },
    close: () => agent.close(),
  };
}
