// fal's queue API (https://docs.fal.ai/model-endpoints/queue, https://fal.ai/docs/api-reference/inference-api):
//   POST {queue}/{model_id} with `Authorization: Key <FAL_KEY>` and the model's input as the JSON body
//     → {request_id, response_url, status_url, cancel_url} (we poll the URLs it gives, never build them:
//       status and result URLs use only owner/app, not the model's sub-path).
//   GET status_url → {status: "IN_QUEUE" | "IN_PROGRESS" | "COMPLETED", queue_position?, error?}
//     (202 while queued or running, 200 once complete).
//   GET response_url → the model's output, e.g. {video: {url, content_type, file_name}} for video models
//     or {audio: {url, …}} / {audio_file: {url, …}} for audio models; an error answer is {detail}.
//   PUT cancel_url → cancels a request that has not finished.
// The output file lives on fal's CDN; it is downloaded into our storage (without our fal key, since
// it is another origin).
import { GatewayError } from "@aigateway/protocol";
import type { ProviderConfig } from "../../providers/provider-adapter.ts";
import {
  asRecord,
  isProviderOrigin,
  toUpstreamJobError,
  UpstreamJobError,
  type JobAdapter,
  type JobHttpRequest,
  type JobInput,
} from "../job-adapter.ts";

interface FalState {
  requestId: string;
  statusUrl: string;
  responseUrl: string;
  cancelUrl: string | null;
  /** "queue" while polling the status, "result" once it said COMPLETED. */
  phase: "queue" | "result";
}

const defaultSeconds = { video: 5, music: 30, "3d": 0, stt: 0 } as const;

function authorized(config: ProviderConfig, url: string): Record<string, string> {
  return isProviderOrigin(config, url) && config.apiKey ? { authorization: `Key ${config.apiKey}` } : {};
}

function toFalInput(input: JobInput): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (input.prompt !== undefined) body.prompt = input.prompt;
  // fal models take the duration in their own units (Kling "5", Veo "8s", audio seconds as a number);
  // we send the number as a string, which the video models accept, and as seconds_total for audio.
  if (input.duration !== undefined) body.duration = String(input.duration);
  if (input.aspect_ratio !== undefined) body.aspect_ratio = input.aspect_ratio;
  if (input.resolution !== undefined) body.resolution = input.resolution;
  if (input.image_url !== undefined) body.image_url = input.image_url;
  if (input.negative_prompt !== undefined) body.negative_prompt = input.negative_prompt;
  if (input.lyrics !== undefined) body.lyrics = input.lyrics;
  if (input.is_instrumental !== undefined) body.instrumental = input.is_instrumental;
  return body;
}

function readState(state: unknown): FalState {
  const record = asRecord(state);
  if (typeof record.statusUrl !== "string" || typeof record.responseUrl !== "string") {
    throw new UpstreamJobError("internal", "fal job state is missing its URLs", false);
  }
  return record as unknown as FalState;
}

/** The first media file in a fal output: video, audio or 3D model. */
function findOutputFile(
  output: Record<string, unknown>,
): { url: string; contentType: string | undefined } | undefined {
  for (const field of ["video", "audio", "audio_file", "model_mesh", "file"]) {
    const file = asRecord(output[field]);
    if (typeof file.url === "string") {
      return {
        url: file.url,
        contentType: typeof file.content_type === "string" ? file.content_type : undefined,
      };
    }
  }
  return undefined;
}

const extensionByType: Record<string, string> = {
  "video/mp4": "mp4",
  "video/webm": "webm",
  "audio/mpeg": "mp3",
  "audio/wav": "wav",
  "audio/x-wav": "wav",
  "audio/ogg": "ogg",
  "audio/flac": "flac",
  "model/gltf-binary": "glb",
};

export const falJobAdapter: JobAdapter = {
  provider: "fal",
  modalities: ["video", "music", "3d"],
  toSubmitRequest(config, input, target) {
    if (target.modality === "3d" && input.prompt === undefined && input.image_url === undefined) {
      throw new GatewayError("invalid_request", {
        param: "prompt",
        message: "Give a prompt or an image_url.",
      });
    }
    const url = `${config.baseUrl.replace(/\/+$/, "")}/${target.upstreamModel}`;
    return {
      method: "POST",
      url,
      headers: { "content-type": "application/json", ...authorized(config, url) },
      body: JSON.stringify(toFalInput(input)),
    };
  },
  readSubmitResponse(response) {
    if (response.status < 200 || response.status >= 300) throw toUpstreamJobError("fal", response);
    const body = asRecord(response.body);
    if (
      typeof body.request_id !== "string" ||
      typeof body.status_url !== "string" ||
      typeof body.response_url !== "string"
    ) {
      throw new UpstreamJobError(
        "upstream_error",
        "fal answered the submit without request_id/status_url",
        true,
      );
    }
    const state: FalState = {
      requestId: body.request_id,
      statusUrl: body.status_url,
      responseUrl: body.response_url,
      cancelUrl: typeof body.cancel_url === "string" ? body.cancel_url : null,
      phase: "queue",
    };
    return state;
  },
  toPollRequest(config, raw) {
    const state = readState(raw);
    const url = state.phase === "queue" ? state.statusUrl : state.responseUrl;
    return { method: "GET", url, headers: authorized(config, url) };
  },
  readPollResponse(config, response, raw, input) {
    const state = readState(raw);
    if (!response) throw new UpstreamJobError("internal", "fal poll without a response", false);
    if (response.status < 200 || response.status >= 300) {
      const error = toUpstreamJobError("fal", response);
      if (error.retryable) throw error;
      return { kind: "failed", code: error.code, message: error.message };
    }
    const body = asRecord(response.body);
    if (state.phase === "queue") {
      if (body.status === "COMPLETED") {
        if (body.error !== undefined && body.error !== null) {
          return { kind: "failed", code: "generation_failed", message: `fal: ${JSON.stringify(body.error)}` };
        }
        return { kind: "pending", state: { ...state, phase: "result" }, retryAfterMs: 0 };
      }
      return { kind: "pending", state };
    }
    const file = findOutputFile(body);
    if (!file) {
      return { kind: "failed", code: "generation_failed", message: "fal returned no output file." };
    }
    const contentType = file.contentType ?? "application/octet-stream";
    const extension =
      extensionByType[contentType] ??
      /\.([a-z0-9]{2,5})(?:\?|$)/i.exec(file.url)?.[1]?.toLowerCase() ??
      "bin";
    const request: JobHttpRequest = { method: "GET", url: file.url, headers: authorized(config, file.url) };
    const seconds = typeof body.duration === "number" ? body.duration : undefined;
    const modality = contentType.startsWith("audio/") ? "music" : "video";
    const billedSeconds = seconds ?? input.duration ?? defaultSeconds[modality];
    const result: Record<string, unknown> = { duration: billedSeconds };
    if (input.resolution !== undefined) result.resolution = input.resolution;
    if (typeof body.seed === "number") result.seed = body.seed;
    return {
      kind: "succeeded",
      output: { kind: "download", request, contentType, filename: `output.${extension}` },
      result,
      billedSeconds,
    };
  },
  toCancelRequest(config, raw) {
    const state = readState(raw);
    if (!state.cancelUrl) return undefined;
    return { method: "PUT", url: state.cancelUrl, headers: authorized(config, state.cancelUrl) };
  },
};
