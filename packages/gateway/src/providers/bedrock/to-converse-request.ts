import type { ChatCompletionRequest } from "@aigateway/protocol";
import { GatewayError } from "@aigateway/protocol";
import type {
  ConverseMessage,
  ConverseRequest,
  InferenceConfiguration,
  OutputConfiguration,
  ToolChoice,
  ToolConfiguration,
} from "./converse-types.ts";
import { isClaudeModel } from "./reasoning-format.ts";
import { toConverseMessages } from "./to-converse-messages.ts";

/**
 * Claude's thinking budget per OpenAI reasoning effort. Anthropic's minimum budget is 1024 tokens;
 * the steps follow the usual low/medium/high spread of Anthropic-compatible gateways.
 */
export const thinkingBudgets: Readonly<Record<string, number>> = {
  minimal: 1024,
  low: 2048,
  medium: 8192,
  high: 16384,
  xhigh: 32768,
  max: 32768,
};
const minimumThinkingBudget = 1024;
/** Room left for the answer when the client set no max_tokens (Converse requires maxTokens > budget). */
const answerTokensAfterThinking = 4096;

interface FunctionTool {
  type: "function";
  function: { name: string; description?: string; parameters?: Record<string, unknown> };
}

function toToolChoice(choice: unknown): ToolChoice | undefined {
  if (choice === "required") return { any: {} };
  if (choice === "auto") return { auto: {} };
  if (typeof choice === "object" && choice !== null) {
    const name = (choice as { function?: { name?: unknown } }).function?.name;
    if (typeof name === "string") return { tool: { name } };
  }
  return undefined;
}

export function hasToolBlocks(messages: readonly ConverseMessage[]): boolean {
  return messages.some((message) =>
    message.content.some((block) => block.toolUse !== undefined || block.toolResult !== undefined),
  );
}

/**
 * Converse has no "none" tool choice: with no tool turns in the history the tools are simply not
 * sent; with tool turns Converse insists on a toolConfig, so `none` was reported as unsupported by
 * find-unsupported-parameters and the tools go up with the default (auto) choice.
 */
function toToolConfig(request: ChatCompletionRequest, messages: readonly ConverseMessage[]) {
  const tools = (request.tools ?? []) as FunctionTool[];
  if (tools.length === 0) return undefined;
  if (request.tool_choice === "none" && !hasToolBlocks(messages)) return undefined;
  const config: ToolConfiguration = {
    tools: tools.map((tool) => ({
      toolSpec: {
        name: tool.function.name,
        ...(tool.function.description ? { description: tool.function.description } : {}),
        inputSchema: { json: tool.function.parameters ?? { type: "object", properties: {} } },
      },
    })),
  };
  const toolChoice = toToolChoice(request.tool_choice);
  if (toolChoice) config.toolChoice = toolChoice;
  return config;
}

function toInferenceConfig(request: ChatCompletionRequest): InferenceConfiguration {
  const config: InferenceConfiguration = {};
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (typeof maxTokens === "number") config.maxTokens = maxTokens;
  if (typeof request.temperature === "number") config.temperature = request.temperature;
  if (typeof request.top_p === "number") config.topP = request.top_p;
  const stop = request.stop;
  if (typeof stop === "string") config.stopSequences = [stop];
  else if (Array.isArray(stop) && stop.length > 0) config.stopSequences = stop as string[];
  return config;
}

function toOutputConfig(request: ChatCompletionRequest): OutputConfiguration | undefined {
  const format = request.response_format;
  if (format?.type !== "json_schema") return undefined;
  const definition = format.json_schema as { name?: string; description?: string; schema?: unknown };
  const jsonSchema: OutputConfiguration["textFormat"]["structure"]["jsonSchema"] = {
    schema: JSON.stringify(definition.schema ?? { type: "object" }),
  };
  if (definition.name) jsonSchema.name = definition.name;
  if (definition.description) jsonSchema.description = definition.description;
  return { textFormat: { type: "json_schema", structure: { jsonSchema } } };
}

/**
 * reasoning_effort as Claude's extended thinking. Converse requires maxTokens to exceed the budget:
 * a client max_tokens caps the budget, otherwise maxTokens becomes budget + 4096 (within the model's
 * output limit when the catalog knows it).
 */
function applyThinking(
  body: ConverseRequest,
  effort: string,
  config: InferenceConfiguration,
  maxOutputTokens: number | undefined,
): void {
  const budget = thinkingBudgets[effort];
  if (budget === undefined) return;
  let budgetTokens = budget;
  if (config.maxTokens === undefined) {
    const wanted = budget + answerTokensAfterThinking;
    config.maxTokens = maxOutputTokens ? Math.min(wanted, maxOutputTokens) : wanted;
  }
  if (config.maxTokens <= budget) {
    budgetTokens = config.maxTokens - 1;
    if (budgetTokens < minimumThinkingBudget) {
      throw new GatewayError("invalid_request", {
        param: "max_tokens",
        message: `With reasoning_effort, Claude on Bedrock needs max_tokens above ${minimumThinkingBudget} (its minimum thinking budget).`,
      });
    }
  }
  body.additionalModelRequestFields = {
    ...body.additionalModelRequestFields,
    thinking: { type: "enabled", budget_tokens: budgetTokens },
  };
}

/**
 * An OpenAI chat request (already fitted by prepare-chat-request, with what Converse cannot express
 * reported and removed) as a Converse request body. Streaming is chosen by the URL, not the body.
 */
export function toConverseRequest(
  request: ChatCompletionRequest,
  upstreamModel: string,
  maxOutputTokens?: number,
): ConverseRequest {
  const { system, messages } = toConverseMessages(request.messages);
  const body: ConverseRequest = { messages };
  if (system.length > 0) body.system = system;
  const inferenceConfig = toInferenceConfig(request);
  const toolConfig = toToolConfig(request, messages);
  if (toolConfig) body.toolConfig = toolConfig;
  const outputConfig = toOutputConfig(request);
  if (outputConfig) body.outputConfig = outputConfig;
  const effort = request.reasoning_effort;
  if (effort && effort !== "none" && isClaudeModel(upstreamModel)) {
    applyThinking(body, effort, inferenceConfig, maxOutputTokens);
  }
  if (Object.keys(inferenceConfig).length > 0) body.inferenceConfig = inferenceConfig;
  return body;
}
