import type { ChatCompletionRequest } from "@aigateway/protocol";
import { GatewayError } from "@aigateway/protocol";
import type {
  GeminiFunctionCallingConfig,
  GeminiFunctionDeclaration,
  GeminiGenerateContentRequest,
  GeminiGenerationConfig,
} from "./gemini-wire-types.ts";
import { toGeminiContents } from "./to-gemini-contents.ts";
import { hasParameters, toGeminiJsonSchema, toGeminiSchema } from "./to-gemini-schema.ts";
import { toGeminiThinkingConfig, usesThinkingLevel } from "./to-gemini-thinking-config.ts";

/**
 * "openapi": schemas are converted to the OpenAPI subset of `parameters`/`responseSchema`, which every
 * Gemini model takes. "json-schema": sent nearly verbatim as `parametersJsonSchema`/`responseJsonSchema`
 * (keeps additionalProperties, $ref, type unions), which only newer models accept.
 */
export type GeminiSchemaFormat = "openapi" | "json-schema";

interface FunctionTool {
  type?: unknown;
  function?: { name?: unknown; description?: unknown; parameters?: unknown };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function toFunctionDeclarations(
  tools: unknown[],
  schemaFormat: GeminiSchemaFormat,
): GeminiFunctionDeclaration[] {
  return tools.map((tool, index) => {
    const { type, function: declared } = tool as FunctionTool;
    if (type !== "function" || typeof declared?.name !== "string") {
      throw new GatewayError("invalid_request", {
        param: `tools[${index}]`,
        message: "Gemini takes function tools only.",
      });
    }
    const declaration: GeminiFunctionDeclaration = { name: declared.name };
    if (typeof declared.description === "string") declaration.description = declared.description;
    const parameters = isRecord(declared.parameters) ? declared.parameters : undefined;
    if (hasParameters(parameters)) {
      if (schemaFormat === "json-schema") declaration.parametersJsonSchema = toGeminiJsonSchema(parameters);
      else declaration.parameters = toGeminiSchema(parameters, `tools[${index}].function.parameters`);
    }
    return declaration;
  });
}

function toFunctionCallingConfig(choice: unknown): GeminiFunctionCallingConfig | undefined {
  if (choice === undefined || choice === null) return undefined;
  if (choice === "auto") return { mode: "AUTO" };
  if (choice === "none") return { mode: "NONE" };
  if (choice === "required") return { mode: "ANY" };
  const name = (choice as { function?: { name?: unknown } }).function?.name;
  if (typeof name === "string") return { mode: "ANY", allowedFunctionNames: [name] };
  throw new GatewayError("invalid_request", { param: "tool_choice", message: "Unsupported tool_choice." });
}

function toGenerationConfig(
  request: ChatCompletionRequest,
  upstreamModel: string,
  schemaFormat: GeminiSchemaFormat,
): GeminiGenerationConfig {
  const config: GeminiGenerationConfig = {};
  const number = (value: unknown): number | undefined => (typeof value === "number" ? value : undefined);
  const maxTokens = number(request.max_completion_tokens) ?? number(request.max_tokens);
  if (maxTokens !== undefined) config.maxOutputTokens = maxTokens;
  const temperature = number(request.temperature);
  if (temperature !== undefined) config.temperature = temperature;
  const topP = number(request.top_p);
  if (topP !== undefined) config.topP = topP;
  const seed = number(request.seed);
  if (seed !== undefined) config.seed = seed;
  const candidates = number(request.n);
  if (candidates !== undefined && candidates !== 1) config.candidateCount = candidates;
  const presencePenalty = number(request.presence_penalty);
  if (presencePenalty !== undefined) config.presencePenalty = presencePenalty;
  const frequencyPenalty = number(request.frequency_penalty);
  if (frequencyPenalty !== undefined) config.frequencyPenalty = frequencyPenalty;
  const stop = request.stop;
  if (typeof stop === "string") config.stopSequences = [stop];
  else if (Array.isArray(stop) && stop.length > 0) config.stopSequences = stop as string[];

  const format = request.response_format;
  if (format?.type === "json_object") config.responseMimeType = "application/json";
  if (format?.type === "json_schema") {
    config.responseMimeType = "application/json";
    const schema = (format.json_schema as { schema?: unknown } | undefined)?.schema;
    if (isRecord(schema)) {
      if (schemaFormat === "json-schema") config.responseJsonSchema = toGeminiJsonSchema(schema);
      else config.responseSchema = toGeminiSchema(schema, "response_format.json_schema.schema");
    }
  }
  if (typeof request.reasoning_effort === "string") {
    config.thinkingConfig = toGeminiThinkingConfig(request.reasoning_effort, upstreamModel);
  }
  return config;
}

/** An OpenAI chat request as a Gemini generateContent body (the same body streams). */
export function toGeminiRequest(
  request: ChatCompletionRequest,
  upstreamModel: string,
  schemaFormat: GeminiSchemaFormat = "openapi",
): GeminiGenerateContentRequest {
  const { systemInstruction, contents } = toGeminiContents(request.messages, {
    requireSignatures: usesThinkingLevel(upstreamModel),
  });
  if (contents.length === 0) {
    throw new GatewayError("invalid_request", {
      param: "messages",
      message: "Gemini needs at least one user or assistant message besides system messages.",
    });
  }
  const body: GeminiGenerateContentRequest = { contents };
  if (systemInstruction) body.systemInstruction = systemInstruction;
  const tools = Array.isArray(request.tools) ? request.tools : [];
  if (tools.length > 0) {
    body.tools = [{ functionDeclarations: toFunctionDeclarations(tools, schemaFormat) }];
    const functionCallingConfig = toFunctionCallingConfig(request.tool_choice);
    if (functionCallingConfig) body.toolConfig = { functionCallingConfig };
  }
  const generationConfig = toGenerationConfig(request, upstreamModel, schemaFormat);
  if (Object.keys(generationConfig).length > 0) body.generationConfig = generationConfig;
  return body;
}
