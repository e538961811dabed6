import type { ChatCompletionRequest } from "@aigateway/protocol";
import { GatewayError } from "@aigateway/protocol";
import type { CohereChatBody } from "./cohere-wire.ts";
import { toCohereMessages } from "./to-cohere-messages.ts";

/**
 * OpenAI `reasoning_effort` as Cohere's thinking budget. Cohere takes a token count, not a level, so
 * each level gets a fixed budget (documented in docs/cohere.md).
 */
export const thinkingBudgets: Readonly<Record<string, number>> = {
  minimal: 1024,
  low: 2048,
  medium: 8192,
  high: 16384,
  xhigh: 24576,
  max: 32768,
};

/** Cohere-native request fields a client may send through the gateway unchanged. */
const cohereNativeFields = ["documents", "citation_options", "safety_mode"] as const;

/** Fields this translation reads; anything else the client sent is reported as dropped. */
const translatedFields = new Set<string>([
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
  "seed",
  "frequency_penalty",
  "presence_penalty",
  "tools",
  "tool_choice",
  "response_format",
  "reasoning_effort",
  "n",
  "parallel_tool_calls",
  ...cohereNativeFields,
]);

interface FunctionTool {
  type: "function";
  function: { name: string; description?: string; parameters?: unknown; strict?: boolean | null };
}

function toCohereTools(
  tools: FunctionTool[],
  toolChoice: unknown,
): { tools?: unknown[]; tool_choice?: string; strict_tools?: true } {
  if (tools.length === 0 || toolChoice === "auto" || toolChoice === undefined || toolChoice === null) {
    return tools.length === 0 ? {} : { tools: tools.map(toCohereTool), ...strictness(tools) };
  }
  if (toolChoice === "none") return { tools: tools.map(toCohereTool), tool_choice: "NONE" };
  if (toolChoice === "required") {
    return { tools: tools.map(toCohereTool), tool_choice: "REQUIRED", ...strictness(tools) };
  }
  // Cohere cannot name one tool; offering only that tool and requiring a call means the same.
  const name = (toolChoice as { function?: { name?: unknown } }).function?.name;
  const chosen = tools.filter((tool) => tool.function.name === name);
  if (chosen.length === 0) {
    throw new GatewayError("invalid_request", {
      param: "tool_choice",
      message: `tool_choice names the function "${String(name)}", which is not in tools.`,
    });
  }
  return { tools: chosen.map(toCohereTool), tool_choice: "REQUIRED", ...strictness(chosen) };
}

function toCohereTool(tool: FunctionTool): unknown {
  const { name, description, parameters } = tool.function;
  return {
    type: "function",
    function: {
      name,
      ...(description === undefined ? {} : { description }),
      parameters: parameters ?? { type: "object", properties: {} },
    },
  };
}

// Cohere's strict mode covers all tools at once, so it is used only when every tool asks for it.
function strictness(tools: FunctionTool[]): { strict_tools?: true } {
  return tools.every((tool) => tool.function.strict === true) ? { strict_tools: true } : {};
}

function toCohereResponseFormat(format: ChatCompletionRequest["response_format"]): unknown {
  if (!format || format.type === "text") return undefined;
  if (format.type === "json_schema") {
    const schema = (format.json_schema as { schema?: unknown } | undefined)?.schema;
    return schema === undefined ? { type: "json_object" } : { type: "json_object", json_schema: schema };
  }
  return { type: "json_object" };
}

function toCohereThinking(effort: string | undefined): unknown {
  if (effort === undefined) return undefined;
  if (effort === "none") return { type: "disabled" };
  return { type: "enabled", token_budget: thinkingBudgets[effort] ?? thinkingBudgets.medium };
}

const isSet = (value: unknown): boolean => value !== undefined && value !== null;

/**
 * An OpenAI chat request as a Cohere v2 /chat body, with the request fields Cohere cannot express
 * (reported by the gateway in `x-aig-warning`, never dropped silently).
 */
export function toCohereChatBody(
  request: ChatCompletionRequest,
  upstreamModel: string,
): { body: CohereChatBody; droppedParameters: string[] } {
  const droppedParameters = Object.keys(request).filter(
    (field) => !translatedFields.has(field) && isSet(request[field]),
  );
  if (typeof request.n === "number" && request.n > 1) droppedParameters.push("n");
  if (request.parallel_tool_calls === false) droppedParameters.push("parallel_tool_calls");

  const body: CohereChatBody = {
    model: upstreamModel,
    messages: toCohereMessages(request.messages),
    stream: request.stream === true,
  };
  const stop = request.stop as string | string[] | null | undefined;
  const optional: Record<string, unknown> = {
    max_tokens: request.max_completion_tokens ?? request.max_tokens,
    temperature: request.temperature,
    p: request.top_p,
    k: request.top_k,
    seed: request.seed,
    frequency_penalty: request.frequency_penalty,
    presence_penalty: request.presence_penalty,
    stop_sequences: typeof stop === "string" ? [stop] : stop,
    response_format: toCohereResponseFormat(request.response_format),
    thinking: toCohereThinking(request.reasoning_effort),
    ...toCohereTools((request.tools ?? []) as FunctionTool[], request.tool_choice),
  };
  for (const field of cohereNativeFields) optional[field] = request[field];
  for (const [field, value] of Object.entries(optional)) {
    if (isSet(value)) body[field] = value;
  }
  return { body, droppedParameters };
}
