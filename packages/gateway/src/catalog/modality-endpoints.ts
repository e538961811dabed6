import type { Capability, Modality } from "./catalog-schema.ts";

/** The endpoint that serves each modality, and what the modality means, for /v1/capabilities. */
export const modalityDetails: Record<Modality, { endpoint: string; description: string }> = {
  text: { endpoint: "/v1/chat/completions", description: "Chat and text generation (LLMs)" },
  image: { endpoint: "/v1/images/generations", description: "Text-to-image generation and image editing" },
  embedding: { endpoint: "/v1/embeddings", description: "Vector embeddings of text (or images)" },
  stt: { endpoint: "/v1/audio/transcriptions", description: "Speech-to-text transcription" },
  tts: { endpoint: "/v1/audio/speech", description: "Text-to-speech synthesis" },
  video: {
    endpoint: "/v1/videos/generations",
    description: "Text- or image-to-video generation (async job)",
  },
  music: { endpoint: "/v1/audio/music", description: "Music and sound generation (async job)" },
  rerank: { endpoint: "/v1/rerank", description: "Re-ranking documents against a query" },
  moderation: { endpoint: "/v1/moderations", description: "Content-safety classification" },
};

/** The fixed capability vocabulary a model may declare. */
export const capabilityDetails: Record<Capability, { endpoint: string; description: string }> = {
  tools: {
    endpoint: "/v1/chat/completions",
    description: "Function/tool calling with `tools` and `tool_choice`",
  },
  vision: { endpoint: "/v1/chat/completions", description: "Accepts images in message content" },
  json: {
    endpoint: "/v1/chat/completions",
    description: "JSON mode or structured outputs with `response_format`",
  },
  streaming: {
    endpoint: "/v1/chat/completions",
    description: "Server-sent events with `stream: true` (or streamed audio for speech)",
  },
  reasoning: {
    endpoint: "/v1/chat/completions",
    description:
      "Thinks before answering; reasoning returned as `reasoning_content` when the vendor exposes it",
  },
  caching: {
    endpoint: "/v1/chat/completions",
    description: "Provider prompt caching; cached input tokens are billed at the model's cached rate",
  },
  async: {
    endpoint: "/v1/jobs/{id}",
    description: "Runs as an async job: the call answers 202 with a job to poll",
  },
};
