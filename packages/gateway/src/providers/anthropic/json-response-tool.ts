import type { ChatCompletionRequest } from "@aigateway/protocol";

const preferredName = "json";
const fallbackName = "json_response";

/**
 * The tool that carries a JSON-mode answer (response_format json_schema / json_object): Anthropic is
 * forced to call it, and its input becomes the message content. Named "json" (as the Vercel AI SDK
 * names it) unless the client has a tool of that name. Undefined when the request is not in JSON mode.
 * Both the request and the response side call this, so they agree on the name.
 */
export function findJsonToolName(request: ChatCompletionRequest | undefined): string | undefined {
  const type = request?.response_format?.type;
  if (type !== "json_schema" && type !== "json_object") return undefined;
  const clientNames = new Set(
    (request?.tools ?? []).map((tool) => (tool as { function?: { name?: unknown } }).function?.name),
  );
  return clientNames.has(preferredName) ? fallbackName : preferredName;
}
