import { toErrorEnvelope } from "@aigateway/protocol";
import type { MessagesStreamEvent } from "./anthropic-messages-types.ts";

export interface MessagesErrorBody {
  type: "error";
  error: { type: string; message: string };
  request_id?: string;
}

/**
 * Anthropic's error `type` for an HTTP status. The statuses are the gateway's own (one catalogue for
 * every route), so the Anthropic SDK raises the class it raises for that status.
 */
export function toMessagesErrorType(status: number): string {
  switch (status) {
    case 400:
      return "invalid_request_error";
    case 401:
      return "authentication_error";
    case 402:
      return "billing_error";
    case 403:
      return "permission_error";
    case 404:
      return "not_found_error";
    case 413:
      return "request_too_large";
    case 429:
      return "rate_limit_error";
    case 503:
    case 529:
      return "overloaded_error";
    case 504:
      return "timeout_error";
    default:
      return status >= 500 ? "api_error" : "invalid_request_error";
  }
}

export function toMessagesErrorBody(status: number, message: string, requestId?: string): MessagesErrorBody {
  const body: MessagesErrorBody = { type: "error", error: { type: toMessagesErrorType(status), message } };
  if (requestId) body.request_id = requestId;
  return body;
}

/** Anything thrown, in Anthropic's error envelope (unknown errors are a 500 without internals). */
export function toMessagesError(
  error: unknown,
  requestId?: string,
): { status: number; body: MessagesErrorBody } {
  const { status, body } = toErrorEnvelope(error);
  return { status, body: toMessagesErrorBody(status, body.error.message, requestId) };
}

/** The in-stream failure: Anthropic ends a stream that already started with an `error` event. */
export function toMessagesErrorEvent(
  status: number,
  message: string,
  requestId?: string,
): MessagesStreamEvent {
  return { event: "error", data: { ...toMessagesErrorBody(status, message, requestId) } };
}
