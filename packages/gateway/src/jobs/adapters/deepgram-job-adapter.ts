// Async transcription of a hosted file with Deepgram's pre-recorded API
// (https://developers.deepgram.com/reference/speech-to-text-api/listen):
//   POST {base}/v1/listen?model=<model>&smart_format=true[&language=] with `Authorization: Token <key>`
//   and JSON {url} → {metadata: {request_id, duration}, results: {channels: [{alternatives:
//   [{transcript, words}]}]}}. Deepgram answers synchronously, so the submit step already holds the
//   transcript and the poll step needs no request; the job API stays the same for the user.
import type { ProviderConfig } from "../../providers/provider-adapter.ts";
import { asRecord, toUpstreamJobError, UpstreamJobError, type JobAdapter } from "../job-adapter.ts";

interface DeepgramState {
  text: string;
  durationSeconds: number;
  words: unknown[];
  requestId: string | null;
}

const base = (config: ProviderConfig): string => config.baseUrl.replace(/\/+$/, "");

export const deepgramJobAdapter: JobAdapter = {
  provider: "deepgram",
  modalities: ["stt"],
  toSubmitRequest(config, input, target) {
    const query = new URLSearchParams({ model: target.upstreamModel, smart_format: "true" });
    if (input.language !== undefined) query.set("language", input.language);
    return {
      method: "POST",
      url: `${base(config)}/v1/listen?${query.toString()}`,
      headers: {
        "content-type": "application/json",
        ...(config.apiKey ? { authorization: `Token ${config.apiKey}` } : {}),
      },
      body: JSON.stringify({ url: input.audio_url }),
    };
  },
  readSubmitResponse(response) {
    if (response.status < 200 || response.status >= 300) throw toUpstreamJobError("deepgram", response);
    const body = asRecord(response.body);
    const metadata = asRecord(body.metadata);
    const channels = asRecord(body.results).channels;
    const channel = asRecord(Array.isArray(channels) ? channels[0] : undefined);
    const alternatives = Array.isArray(channel.alternatives) ? channel.alternatives : [];
    const first = asRecord(alternatives[0]);
    if (typeof first.transcript !== "string") {
      throw new UpstreamJobError("upstream_error", "Deepgram answered without a transcript", false);
    }
    const state: DeepgramState = {
      text: first.transcript,
      durationSeconds: typeof metadata.duration === "number" ? metadata.duration : 0,
      words: Array.isArray(first.words) ? first.words : [],
      requestId: typeof metadata.request_id === "string" ? metadata.request_id : null,
    };
    return state;
  },
  toPollRequest() {
    return null;
  },
  readPollResponse(_config, _response, raw) {
    const state = asRecord(raw) as unknown as DeepgramState;
    const transcript = { text: state.text, words: state.words };
    return {
      kind: "succeeded",
      output: {
        kind: "content",
        bytes: Buffer.from(JSON.stringify({ transcript, duration: state.durationSeconds })),
        contentType: "application/json",
        filename: "transcript.json",
      },
      result: { transcript: { text: state.text }, duration: state.durationSeconds },
      billedSeconds: state.durationSeconds,
    };
  },
};
