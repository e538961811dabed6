// Google Veo through the Gemini API (https://ai.google.dev/gemini-api/docs/video, REST tab):
//   POST {base}/models/{model}:predictLongRunning with `x-goog-api-key`, body
//     {instances: [{prompt}], parameters: {aspectRatio, resolution, durationSeconds, negativePrompt}}
//     → a long-running operation {name: "models/…/operations/…"}.
//   GET {base}/{name} → {name, done?, error?: {code, message}, response?: {generateVideoResponse:
//     {generatedSamples: [{video: {uri}}], raiMediaFilteredReasons?}}}; poll until `done`.
//   GET the sample's uri (a files/…:download?alt=media URL) with the same API key → the MP4.
import { GatewayError } from "@aigateway/protocol";
import type { ProviderConfig } from "../../providers/provider-adapter.ts";
import {
  asRecord,
  isProviderOrigin,
  toUpstreamJobError,
  UpstreamJobError,
  type JobAdapter,
} from "../job-adapter.ts";

interface VeoState {
  operation: string;
}

const defaultDurationSeconds = 8;

function keyHeader(config: ProviderConfig, url: string): Record<string, string> {
  return isProviderOrigin(config, url) && config.apiKey ? { "x-goog-api-key": config.apiKey } : {};
}

const base = (config: ProviderConfig): string => config.baseUrl.replace(/\/+$/, "");

export const veoJobAdapter: JobAdapter = {
  provider: "gemini",
  modalities: ["video"],
  toSubmitRequest(config, input, target) {
    if (input.image_url !== undefined) {
      // Veo takes a seed image only as inline bytes or a Gemini Files URI, not an arbitrary URL.
      throw new GatewayError("invalid_request", {
        param: "image_url",
        message: `${target.slug} through the Gemini API does not take an image_url; omit it or pick a fal route model.`,
      });
    }
    const parameters: Record<string, unknown> = {};
    if (input.aspect_ratio !== undefined) parameters.aspectRatio = input.aspect_ratio;
    if (input.resolution !== undefined) parameters.resolution = input.resolution;
    if (input.duration !== undefined) parameters.durationSeconds = input.duration;
    if (input.negative_prompt !== undefined) parameters.negativePrompt = input.negative_prompt;
    const url = `${base(config)}/models/${target.upstreamModel}:predictLongRunning`;
    return {
      method: "POST",
      url,
      headers: { "content-type": "application/json", ...keyHeader(config, url) },
      body: JSON.stringify({
        instances: [{ prompt: input.prompt ?? "" }],
        ...(Object.keys(parameters).length > 0 ? { parameters } : {}),
      }),
    };
  },
  readSubmitResponse(response) {
    if (response.status < 200 || response.status >= 300) throw toUpstreamJobError("gemini", response);
    const name = asRecord(response.body).name;
    if (typeof name !== "string" || name.length === 0) {
      throw new UpstreamJobError(
        "upstream_error",
        "Gemini answered predictLongRunning without an operation name",
        true,
      );
    }
    const state: VeoState = { operation: name };
    return state;
  },
  toPollRequest(config, raw) {
    const operation = asRecord(raw).operation;
    if (typeof operation !== "string")
      throw new UpstreamJobError("internal", "Veo job state has no operation", false);
    const url = `${base(config)}/${operation}`;
    return { method: "GET", url, headers: keyHeader(config, url) };
  },
  readPollResponse(config, response, state, input) {
    if (!response) throw new UpstreamJobError("internal", "Veo poll without a response", false);
    if (response.status < 200 || response.status >= 300) {
      const error = toUpstreamJobError("gemini", response);
      if (error.retryable) throw error;
      return { kind: "failed", code: error.code, message: error.message };
    }
    const body = asRecord(response.body);
    if (body.done !== true) return { kind: "pending", state };
    const error = asRecord(body.error);
    if (Object.keys(error).length > 0) {
      return {
        kind: "failed",
        code: "generation_failed",
        message: `Veo: ${typeof error.message === "string" ? error.message : JSON.stringify(error)}`,
      };
    }
    const videoResponse = asRecord(asRecord(body.response).generateVideoResponse);
    const samples = Array.isArray(videoResponse.generatedSamples) ? videoResponse.generatedSamples : [];
    const uri = asRecord(asRecord(samples[0]).video).uri;
    if (typeof uri !== "string") {
      const filtered = videoResponse.raiMediaFilteredReasons;
      return {
        kind: "failed",
        code: Array.isArray(filtered) ? "content_filtered" : "generation_failed",
        message: Array.isArray(filtered)
          ? `Veo filtered the video: ${filtered.map(String).join("; ")}`
          : "Veo finished without a video.",
      };
    }
    const duration = input.duration ?? defaultDurationSeconds;
    return {
      kind: "succeeded",
      output: {
        kind: "download",
        request: { method: "GET", url: uri, headers: keyHeader(config, uri) },
        contentType: "video/mp4",
        filename: "video.mp4",
      },
      result: {
        duration,
        resolution: input.resolution ?? "720p",
        aspect_ratio: input.aspect_ratio ?? "16:9",
      },
      billedSeconds: duration,
    };
  },
};
