import type { ChatCompletionRequest } from "@aigateway/protocol";

// Every request field toGeminiRequest translates. Anything else a client sends has no Gemini
// equivalent and is reported in x-aig-warning instead of vanishing.
const translatedFields = new Set([
  "model",
  "messages",
  "stream",
  "stream_options",
  "max_tokens",
  "max_completion_tokens",
  "temperature",
  "top_p",
  "n",
  "stop",
  "seed",
  "tools",
  "tool_choice",
  "response_format",
  "reasoning_effort",
  "presence_penalty",
  "frequency_penalty",
]);

/** Values that ask for what Gemini does anyway, so nothing is lost by leaving them out. */
function isDefault(field: string, value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (field === "parallel_tool_calls") return value === true;
  if (field === "logprobs") return value === false;
  return false;
}

/** The request fields Gemini cannot express (e.g. logit_bias, logprobs, user, parallel_tool_calls: false). */
export function listGeminiUnsupportedParameters(request: ChatCompletionRequest): string[] {
  return Object.keys(request).filter(
    (field) => !translatedFields.has(field) && !isDefault(field, request[field]),
  );
}
