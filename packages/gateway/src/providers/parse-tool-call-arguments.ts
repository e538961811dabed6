import { GatewayError } from "@aigateway/protocol";

/**
 * A replayed tool call's `arguments` string as the JSON object that vendors other than OpenAI take as
 * structured input. "" (a call without parameters, as many clients send it) reads as {}.
 */
export function parseToolCallArguments(text: string, param: string, vendor: string): Record<string, unknown> {
  if (text.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Reported below with the same message as a non-object.
  }
  if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) {
    return parsed as Record<string, unknown>;
  }
  throw new GatewayError("invalid_request", {
    param,
    message: `${param} must be a JSON object (${vendor} takes tool calls as structured input).`,
  });
}
