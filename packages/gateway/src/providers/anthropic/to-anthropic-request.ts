import type { ChatCompletionRequest } from "@aigateway/protocol";
import { GatewayError } from "@aigateway/protocol";
import type { ChatTarget } from "../provider-adapter.ts";
import type { AnthropicRequest, AnthropicTool, AnthropicToolChoice } from "./anthropic-wire-types.ts";
import { findJsonToolName } from "./json-response-tool.ts";
import { toAnthropicConversation } from "./to-anthropic-conversation.ts";
import { toThinkingBudget } from "./to-thinking-budget.ts";

/** max_tokens when neither the client nor the catalog gives one (Anthropic requires the field). */
export const defaultMaxTokens = 4096;

export interface AnthropicRequestPlan {
  body: AnthropicRequest;
  /** Client fields Anthropic cannot express, for x-aig-warning. */
  dropped: string[];
}

/** Fields this translation reads; any other field the client sent is reported as dropped. */
const translatedFields = new Set([
  "model",
  "messages",
  "stream",
  "stream_options",
  "max_tokens",
  "max_completion_tokens",
  "temperature",
  "top_p",
  "top_k",
  "stop",
  "user",
  "tools",
  "tool_choice",
  "parallel_tool_calls",
  "response_format",
  "reasoning_effort",
  "thinking",
]);

/** Values of untranslatable fields that ask for nothing (OpenAI's defaults), so dropping them is silent. */
function isNeutral(field: string, value: unknown): boolean {
  return (field === "n" && value === 1) || (field === "logprobs" && value === false);
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function toAnthropicTool(tool: unknown, index: number): AnthropicTool {
  const fields = isRecord(tool) ? tool : {};
  const fn = isRecord(fields.function) ? fields.function : {};
  if (fields.type !== "function" || typeof fn.name !== "string") {
    throw new GatewayError("invalid_request", {
      param: `tools[${index}]`,
      message: `tools[${index}] must be a function tool with a name.`,
    });
  }
  const result: AnthropicTool = {
    name: fn.name,
    input_schema: isRecord(fn.parameters) ? fn.parameters : { type: "object", properties: {} },
  };
  if (typeof fn.description === "string") result.description = fn.description;
  const cacheControl = fields.cache_control ?? fn.cache_control;
  if (cacheControl !== undefined) result.cache_control = cacheControl;
  return result;
}

function toAnthropicToolChoice(choice: unknown): AnthropicToolChoice | undefined {
  if (choice === "auto") return { type: "auto" };
  if (choice === "none") return { type: "none" };
  if (choice === "required") return { type: "any" };
  if (isRecord(choice) && isRecord(choice.function) && typeof choice.function.name === "string") {
    return { type: "tool", name: choice.function.name };
  }
  if (choice === undefined || choice === null) return undefined;
  throw new GatewayError("invalid_request", {
    param: "tool_choice",
    message: 'tool_choice must be "auto", "none", "required" or {"type":"function","function":{"name"}}.',
  });
}

function readSchema(request: ChatCompletionRequest): Record<string, unknown> {
  const jsonSchema = request.response_format?.json_schema;
  const schema = isRecord(jsonSchema) ? jsonSchema.schema : undefined;
  return isRecord(schema) ? schema : { type: "object" };
}

/**
 * An OpenAI chat request as an Anthropic Messages request. The mappings that are not one-to-one
 * (documented in docs/providers/anthropic.md): reasoning_effort → a thinking budget; JSON mode → a
 * forced tool (or, with thinking on, which forbids forced tools, output_config.format); parameters
 * thinking forbids (temperature ≠ 1, top_p < 0.95, top_k, forced tool_choice) are dropped and reported.
 */
export function toAnthropicRequest(request: ChatCompletionRequest, target: ChatTarget): AnthropicRequestPlan {
  const dropped: string[] = [];
  for (const [field, value] of Object.entries(request)) {
    if (value === undefined || value === null || translatedFields.has(field)) continue;
    if (!isNeutral(field, value)) dropped.push(field);
  }

  const { system, messages } = toAnthropicConversation(request.messages);
  const clientMaxTokens = request.max_completion_tokens ?? request.max_tokens ?? undefined;
  const maxTokens = clientMaxTokens ?? (target.maxOutputTokens ? target.maxOutputTokens : defaultMaxTokens);
  const body: AnthropicRequest = { model: target.upstreamModel, max_tokens: maxTokens, messages };
  if (system.length > 0) body.system = system;
  if (request.stream) body.stream = true;

  // Thinking first: it decides what the sampling, tool_choice and JSON-mode fields may be.
  let thinking = false;
  if (isRecord(request.thinking)) {
    body.thinking = request.thinking;
    thinking = request.thinking.type !== "disabled";
  } else if (request.reasoning_effort !== undefined && request.reasoning_effort !== "none") {
    const budget = toThinkingBudget(request.reasoning_effort, maxTokens);
    if (budget === undefined) dropped.push("reasoning_effort");
    else {
      body.thinking = { type: "enabled", budget_tokens: budget };
      thinking = true;
    }
  }

  const temperature = typeof request.temperature === "number" ? request.temperature : undefined;
  if (temperature !== undefined) {
    if (thinking && temperature !== 1) dropped.push("temperature");
    else body.temperature = temperature;
  }
  const topP = typeof request.top_p === "number" ? request.top_p : undefined;
  if (topP !== undefined) {
    if (thinking && topP < 0.95) dropped.push("top_p");
    else body.top_p = topP;
  }
  if (typeof request.top_k === "number") {
    if (thinking) dropped.push("top_k");
    else body.top_k = request.top_k;
  }
  const stop = request.stop;
  if (typeof stop === "string") body.stop_sequences = [stop];
  else if (Array.isArray(stop) && stop.length > 0) body.stop_sequences = stop as string[];
  if (typeof request.user === "string" && request.user) body.metadata = { user_id: request.user };

  const tools = (request.tools ?? []).map(toAnthropicTool);
  let toolChoice = tools.length > 0 ? toAnthropicToolChoice(request.tool_choice) : undefined;
  const asksForTool = request.tool_choice === "required" || isRecord(request.tool_choice);
  if (tools.length === 0 && asksForTool) dropped.push("tool_choice");

  const jsonToolName = findJsonToolName(request);
  if (jsonToolName !== undefined) {
    if (!thinking) {
      const description = (request.response_format?.json_schema as { description?: unknown } | undefined)
        ?.description;
      tools.push({
        name: jsonToolName,
        description: typeof description === "string" ? description : "Respond with a JSON object.",
        input_schema: readSchema(request),
      });
      // The answer must come through a tool: the JSON one, or a client tool the client allowed.
      // unless the client named one of its own tools, which is kept.
      if (toolChoice?.type !== "tool") {
        toolChoice =
          tools.length === 1 || toolChoice?.type === "none"
            ? { type: "tool", name: jsonToolName }
            : { type: "any" };
      }
    } else if (request.response_format?.type === "json_schema") {
      body.output_config = { format: { type: "json_schema", schema: readSchema(request) } };
    } else {
      dropped.push("response_format");
    }
  }

  if (thinking && (toolChoice?.type === "any" || toolChoice?.type === "tool")) {
    // Anthropic allows only auto or none while thinking.
    dropped.push("tool_choice");
    toolChoice = { type: "auto" };
  }
  if (request.parallel_tool_calls === false && tools.length > 0) {
    toolChoice = { ...(toolChoice ?? { type: "auto" }) };
    if (toolChoice.type !== "none") toolChoice.disable_parallel_tool_use = true;
  }
  if (tools.length > 0) body.tools = tools;
  if (toolChoice) body.tool_choice = toolChoice;
  return { body, dropped };
}
