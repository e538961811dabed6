import type { ChatCompletionRequest } from "@aigateway/protocol";
import type { CatalogModel } from "../catalog/catalog.ts";

/** Request fields that steer the gateway itself and are never sent upstream. */
const gatewayOnlyFields = ["routing", "fallbacks", "baseline_model", "x-routing"] as const;

/** Fields dropped, with the capability a model must have to accept them. */
const capabilityGatedFields: readonly { fields: readonly string[]; capability: string }[] = [
  { fields: ["tools", "tool_choice", "parallel_tool_calls"], capability: "tools" },
  { fields: ["response_format"], capability: "json" },
  { fields: ["reasoning_effort"], capability: "reasoning" },
];

export interface PreparedChatRequest {
  request: ChatCompletionRequest;
  /** Parameters dropped because the target model does not support them (for `x-aig-warning`). */
  dropped: string[];
}

/**
 * Fits a validated client request to one catalog model: strips gateway-only fields, drops what the
 * model cannot take (reported, never silent) and picks the max-token field the model expects.
 */
export function prepareChatRequest(input: ChatCompletionRequest, model: CatalogModel): PreparedChatRequest {
  const request: ChatCompletionRequest = { ...input };
  const dropped: string[] = [];
  for (const field of gatewayOnlyFields) delete request[field];
  for (const gate of capabilityGatedFields) {
    if (model.capabilities.has(gate.capability)) continue;
    for (const field of gate.fields) {
      if (request[field] === undefined) continue;
      delete request[field];
      if (field !== "tool_choice" && field !== "parallel_tool_calls") dropped.push(field);
    }
  }
  for (const field of model.unsupportedParameters) {
    if (request[field] === undefined) continue;
    delete request[field];
    dropped.push(field);
  }
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (maxTokens !== undefined && maxTokens !== null) {
    delete request.max_tokens;
    delete request.max_completion_tokens;
    if (model.usesMaxCompletionTokens) request.max_completion_tokens = maxTokens;
    else request.max_tokens = maxTokens;
  }
  return { request, dropped };
}
