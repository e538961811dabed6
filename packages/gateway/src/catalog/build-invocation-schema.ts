import type { CatalogModelEntry } from "./catalog-schema.ts";
import { modalityDetails } from "./modality-endpoints.ts";

/** How to call one model: the `schema` block of GET /v1/models/{lab}/{model}. */
export interface InvocationSchema {
  model: string;
  modality: CatalogModelEntry["modality"];
  method: "POST";
  endpoint: string;
  content_type: string;
  request_example: Record<string, unknown>;
  response_examples: Record<string, unknown>;
  quirks: string[];
  snippets: { curl: string; python?: string; typescript?: string };
}

const exampleCreated = 1_764_000_000;

function describeQuirks(entry: CatalogModelEntry): string[] {
  const quirks: string[] = [];
  if (entry.quirks?.includes("max_completion_tokens"))
    quirks.push("uses max_completion_tokens (max_tokens is translated for you)");
  for (const parameter of entry.unsupported_parameters ?? [])
    quirks.push(`rejects ${parameter} (dropped and reported in x-aig-warning)`);
  if (entry.capabilities.includes("reasoning"))
    quirks.push(
      "reasoning model: thinking is returned as message.reasoning_content when the vendor exposes it",
    );
  if (entry.capabilities.includes("async"))
    quirks.push("asynchronous: answers 202 with a job; poll GET /v1/jobs/{id} or use a webhook");
  if (entry.modality === "text" && !entry.capabilities.includes("tools"))
    quirks.push("no tool calling: requests with tools are rejected upstream");
  return [...quirks, ...(entry.notes ?? [])];
}

function textExamples(entry: CatalogModelEntry) {
  const limit = entry.quirks?.includes("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
  const request = {
    model: entry.id,
    messages: [{ role: "user", content: "Say hello in five words." }],
    [limit]: 256,
  };
  const message: Record<string, unknown> = { role: "assistant", content: "Hello there, how are you?" };
  if (entry.capabilities.includes("reasoning")) message["reasoning_content"] = "The user wants a greeting…";
  const nonStreaming = {
    id: "chatcmpl-123",
    object: "chat.completion",
    created: exampleCreated,
    model: entry.id,
    choices: [{ index: 0, message, finish_reason: "stop" }],
    usage: { prompt_tokens: 14, completion_tokens: 7, total_tokens: 21, cost: 0.000042 },
  };
  const chunk = (delta: Record<string, unknown>, finish: string | null) => ({
    id: "chatcmpl-123",
    object: "chat.completion.chunk",
    created: exampleCreated,
    model: entry.id,
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
  const streaming = [
    `data: ${JSON.stringify(chunk({ role: "assistant", content: "Hello" }, null))}`,
    `data: ${JSON.stringify(chunk({ content: " there, how are you?" }, "stop"))}`,
    "data: [DONE]",
  ];
  return {
    request,
    responses: entry.capabilities.includes("streaming")
      ? { non_streaming: nonStreaming, streaming }
      : { non_streaming: nonStreaming },
  };
}

const jobResponse = (entry: CatalogModelEntry) => ({
  id: "job_123",
  object: "job",
  status: "queued",
  model: entry.id,
  created_at: exampleCreated,
});

function requestAndResponses(entry: CatalogModelEntry): {
  request: Record<string, unknown>;
  responses: Record<string, unknown>;
  contentType: string;
} {
  const model = entry.id;
  const isAsync = entry.capabilities.includes("async");
  switch (entry.modality) {
    case "text":
      return { ...textExamples(entry), contentType: "application/json" };
    case "embedding":
      return {
        contentType: "application/json",
        request: { model, input: "The quick brown fox" },
        responses: {
          non_streaming: {
            object: "list",
            model,
            data: [{ object: "embedding", index: 0, embedding: [0.0123, -0.0456, 0.0789] }],
            usage: { prompt_tokens: 5, total_tokens: 5 },
          },
        },
      };
    case "image":
      return {
        contentType: "application/json",
        request: { model, prompt: "A lighthouse at dawn, watercolor", size: "1024x1024", n: 1 },
        responses: isAsync
          ? { accepted: jobResponse(entry) }
          : { non_streaming: { created: exampleCreated, data: [{ url: "https://…/image.png" }] } },
      };
    case "stt":
      return {
        contentType: "multipart/form-data",
        request: { model, file: "@meeting.mp3", response_format: "json" },
        responses: {
          non_streaming: { text: "Welcome everyone to the meeting." },
          ...(isAsync ? { accepted: jobResponse(entry) } : {}),
        },
      };
    case "tts":
      return {
        contentType: "application/json",
        request: { model, input: "Hello from the gateway.", voice: "alloy", response_format: "mp3" },
        responses: { non_streaming: "binary audio (audio/mpeg)" },
      };
    case "video":
      return {
        contentType: "application/json",
        request: { model, prompt: "A drone shot over a foggy forest", duration: 5 },
        responses: { accepted: jobResponse(entry) },
      };
    case "music":
      return {
        contentType: "application/json",
        request: { model, prompt: "Lo-fi hip hop beat, mellow piano", duration: 30 },
        responses: { accepted: jobResponse(entry) },
      };
    case "rerank":
      return {
        contentType: "application/json",
        request: {
          model,
          query: "What is the capital of France?",
          documents: ["Paris is the capital of France.", "Berlin is in Germany."],
          top_n: 2,
        },
        responses: {
          non_streaming: {
            model,
            results: [
              { index: 0, relevance_score: 0.98 },
              { index: 1, relevance_score: 0.02 },
            ],
          },
        },
      };
    case "moderation":
      return {
        contentType: "application/json",
        request: { model, input: "I want to hurt someone." },
        responses: {
          non_streaming: {
            id: "modr-123",
            model,
            results: [{ flagged: true, categories: { violence: true }, category_scores: { violence: 0.91 } }],
          },
        },
      };
  }
}

function buildSnippets(
  endpoint: string,
  contentType: string,
  request: Record<string, unknown>,
  entry: CatalogModelEntry,
): InvocationSchema["snippets"] {
  const base = "http://localhost:8080";
  const curl =
    contentType === "multipart/form-data"
      ? `curl ${base}${endpoint} -H "Authorization: Bearer $AIG_KEY" -F model=${entry.id} -F file=@meeting.mp3`
      : `curl ${base}${endpoint} -H "Authorization: Bearer $AIG_KEY" -H "Content-Type: application/json" -d '${JSON.stringify(request)}'`;
  const client = {
    text: ["chat.completions.create", "chat.completions.create"],
    embedding: ["embeddings.create", "embeddings.create"],
    image: ["images.generate", "images.generate"],
    tts: ["audio.speech.create", "audio.speech.create"],
    moderation: ["moderations.create", "moderations.create"],
  } as const;
  const methods = entry.modality in client ? client[entry.modality as keyof typeof client] : undefined;
  if (!methods) return { curl };
  const pythonArguments = Object.entries(request)
    .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
    .join(", ");
  return {
    curl,
    python: `from openai import OpenAI\nclient = OpenAI(base_url="http://localhost:8080/v1", api_key="sk-aig-…")\nresult = client.${methods[0]}(${pythonArguments})`,
    typescript: `import OpenAI from "openai";\nconst client = new OpenAI({ baseURL: "http://localhost:8080/v1", apiKey: "sk-aig-…" });\nconst result = await client.${methods[1]}(${JSON.stringify(request)});`,
  };
}

export function buildInvocationSchema(entry: CatalogModelEntry): InvocationSchema {
  const endpoint = modalityDetails[entry.modality].endpoint;
  const { request, responses, contentType } = requestAndResponses(entry);
  return {
    model: entry.id,
    modality: entry.modality,
    method: "POST",
    endpoint,
    content_type: contentType,
    request_example: request,
    response_examples: responses,
    quirks: describeQuirks(entry),
    snippets: buildSnippets(endpoint, contentType, request, entry),
  };
}
