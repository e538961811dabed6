import type { ChatCompletionRequest } from "@aigateway/protocol";
import { isClaudeModel } from "./reasoning-format.ts";
import { thinkingBudgets } from "./to-converse-request.ts";

/** OpenAI parameters Converse has no field for; sending them would be ignored, so they are reported. */
const inexpressible = [
  "frequency_penalty",
  "presence_penalty",
  "seed",
  "logit_bias",
  "logprobs",
  "top_logprobs",
  "user",
  "metadata",
  "store",
  "service_tier",
  "prediction",
  "modalities",
  "audio",
  "web_search_options",
] as const;

/** A value that changes nothing (0 penalties, false flags, null) need not be reported. */
function isSet(value: unknown): boolean {
  return value !== undefined && value !== null && value !== false && value !== 0;
}

function historyHasToolTurns(request: ChatCompletionRequest): boolean {
  return request.messages.some((message) => message.role === "tool" || (message.tool_calls?.length ?? 0) > 0);
}

/**
 * Parameters of this request that Converse cannot express for this model. The chat service drops
 * and reports them (x-aig-warning) exactly like a catalog model's unsupported_parameters.
 */
export function findUnsupportedParameters(request: ChatCompletionRequest, upstreamModel: string): string[] {
  const unsupported: string[] = inexpressible.filter((field) => isSet(request[field]));
  if (typeof request.n === "number" && request.n > 1) unsupported.push("n");
  // Converse always lets the model call tools in parallel; it has no switch to turn that off.
  if (request.parallel_tool_calls === false) unsupported.push("parallel_tool_calls");
  if (request.response_format?.type === "json_object") unsupported.push("response_format");
  if (request.tool_choice === "none" && historyHasToolTurns(request)) unsupported.push("tool_choice");
  const effort = request.reasoning_effort;
  if (
    effort &&
    effort !== "none" &&
    (!isClaudeModel(upstreamModel) || thinkingBudgets[effort] === undefined)
  ) {
    unsupported.push("reasoning_effort");
  }
  return unsupported;
}
