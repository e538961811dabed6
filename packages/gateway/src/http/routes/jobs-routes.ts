import { createHash } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { z } from "zod";
import { GatewayError } from "@aigateway/protocol";
import type { JobInput, JobModality } from "../../jobs/job-adapter.ts";
import type { JobService } from "../../jobs/job-service.ts";
import type { JobRecord } from "../../storage/storage.ts";
import type { WebhookService } from "../../webhooks/webhook-service.ts";
import { requirePrincipal } from "../middleware/authenticate.ts";
import {
  asyncTranscriptionSchema,
  musicJobSchema,
  threeDimensionalJobSchema,
  videoJobSchema,
} from "../validation/job-request-schemas.ts";
import { parseWithSchema } from "../validation/parse-with-schema.ts";
import { toRequestContext } from "./to-request-context.ts";

export interface JobsRoutesOptions {
  publicBaseUrl: string | undefined;
}

const maxIdempotencyKeyLength = 255;

function readIdempotencyKey(request: FastifyRequest): string | undefined {
  const header = request.headers["idempotency-key"];
  if (header === undefined) return undefined;
  if (typeof header !== "string" || header.length === 0 || header.length > maxIdempotencyKeyLength) {
    throw new GatewayError("invalid_request", {
      param: "Idempotency-Key",
      message: `The Idempotency-Key header must be 1 to ${maxIdempotencyKeyLength} characters.`,
    });
  }
  return header;
}

/** A weak validator of what a poller can see change: status, progress, result, error. */
function toEtag(job: JobRecord): string {
  const digest = createHash("sha256")
    .update(`${job.id}\n${job.status}\n${job.updatedAt}\n${job.resultFile ?? ""}`)
    .digest("base64url")
    .slice(0, 22);
  return `W/"${digest}"`;
}

export function registerJobsRoutes(
  app: FastifyInstance,
  jobs: JobService,
  webhooks: WebhookService,
  options: JobsRoutesOptions,
): void {
  const originOf = (request: FastifyRequest): string =>
    options.publicBaseUrl ?? `${request.protocol}://${request.host}`;

  async function submit(
    request: FastifyRequest,
    reply: FastifyReply,
    modality: JobModality,
    endpoint: string,
    body: JobInput & { model?: string | undefined; webhook_url?: string | undefined },
  ) {
    const context = toRequestContext(request);
    const { model, webhook_url: rawWebhookUrl, ...input } = body;
    const webhookUrl =
      rawWebhookUrl === undefined ? undefined : await webhooks.checkWebhookUrl(rawWebhookUrl);
    const { job, created } = await jobs.submit(context, {
      endpoint,
      modality,
      model,
      input,
      webhookUrl,
      idempotencyKey: readIdempotencyKey(request),
      rawBody: request.body,
      origin: originOf(request),
    });
    if (!created) void reply.header("idempotent-replayed", "true");
    return reply.code(202).send(await jobs.render(job, originOf(request)));
  }

  // Submissions count against RPM like any request; polling and cancelling do not spend.
  const submitOptions = { config: { rateLimited: true } };

  app.post("/v1/videos/generations", submitOptions, async (request, reply) => {
    const body = parseWithSchema(videoJobSchema, request.body);
    return submit(request, reply, "video", "/v1/videos/generations", body);
  });
  app.post("/v1/audio/music", submitOptions, async (request, reply) => {
    const body = parseWithSchema(musicJobSchema, request.body);
    const { is_instrumental: instrumental, lyrics_optimizer: _optimizer, format: _format, ...rest } = body;
    return submit(request, reply, "music", "/v1/audio/music", {
      ...rest,
      ...(instrumental === undefined ? {} : { is_instrumental: instrumental }),
    });
  });
  app.post("/v1/3d/generations", submitOptions, async (request, reply) => {
    const body = parseWithSchema(threeDimensionalJobSchema, request.body);
    return submit(request, reply, "3d", "/v1/3d/generations", body);
  });
  app.post("/v1/audio/transcriptions", submitOptions, async (request, reply) => {
    const raw = request.body as Record<string, unknown> | undefined;
    if (typeof raw !== "object" || raw === null || raw.async !== true) {
      throw new GatewayError("invalid_request", {
        param: "async",
        message:
          "This gateway transcribes hosted audio as an async job: send JSON {model, audio_url, async: true}. " +
          "Synchronous multipart transcription is not served here.",
      });
    }
    const body: z.infer<typeof asyncTranscriptionSchema> = parseWithSchema(asyncTranscriptionSchema, raw);
    const { async: _async, ...rest } = body;
    return submit(request, reply, "stt", "/v1/audio/transcriptions", rest);
  });

  app.get<{ Params: { id: string } }>("/v1/jobs/:id", async (request, reply) => {
    const principal = requirePrincipal(request);
    const job = await jobs.get(principal.accountId, request.params.id);
    const etag = toEtag(job);
    void reply.header("etag", etag).header("cache-control", "no-cache");
    if (request.headers["if-none-match"] === etag) return reply.code(304).send();
    return reply.send(await jobs.render(job, originOf(request)));
  });

  const cancel = async (request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) => {
    const principal = requirePrincipal(request);
    const job = await jobs.cancel(principal.accountId, request.params.id);
    return reply.send(await jobs.render(job, originOf(request)));
  };
  app.delete<{ Params: { id: string } }>("/v1/jobs/:id", cancel);
  app.post<{ Params: { id: string } }>("/v1/jobs/:id/cancel", cancel);
}
