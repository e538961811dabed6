// The one catalogue of errors the gateway can answer with. The HTTP status, the OpenAI-envelope `type`
// and whether a client (or our router) may retry are decided here and nowhere else.

export interface ErrorDefinition {
  status: number;
  type: string;
  retryable: boolean;
  message: string;
}

export const errorCatalogue = {
  invalid_request: {
    status: 400,
    type: "invalid_request_error",
    retryable: false,
    message: "The request is invalid.",
  },
  authentication_failed: {
    status: 401,
    type: "authentication_error",
    retryable: false,
    message: "Invalid or missing API key.",
  },
  budget_exceeded: { status: 402, type: "budget_exceeded", retryable: false, message: "Spend cap reached." },
  permission_denied: {
    status: 403,
    type: "permission_error",
    retryable: false,
    message: "This key is not allowed to do that.",
  },
  model_not_found: { status: 404, type: "model_not_found", retryable: false, message: "Unknown model." },
  not_found: { status: 404, type: "not_found_error", retryable: false, message: "Not found." },
  conflict: { status: 409, type: "conflict_error", retryable: false, message: "Conflict." },
  payload_too_large: {
    status: 413,
    type: "payload_too_large",
    retryable: false,
    message: "The request body is too large.",
  },
  rate_limited: { status: 429, type: "rate_limit_error", retryable: true, message: "Rate limit reached." },
  internal: { status: 500, type: "internal_error", retryable: true, message: "Internal error." },
  provider_error: {
    status: 502,
    type: "provider_error",
    retryable: true,
    message: "The upstream provider failed.",
  },
  service_unavailable: {
    status: 503,
    type: "service_unavailable",
    retryable: true,
    message: "The service is unavailable.",
  },
  timeout: {
    status: 504,
    type: "timeout_error",
    retryable: true,
    message: "The upstream provider timed out.",
  },
} as const satisfies Record<string, ErrorDefinition>;

export type ErrorCode = keyof typeof errorCatalogue;

const codesByStatus = new Map<number, ErrorCode>();
for (const [code, definition] of Object.entries(errorCatalogue) as [ErrorCode, ErrorDefinition][]) {
  if (!codesByStatus.has(definition.status)) codesByStatus.set(definition.status, code);
}

/** The catalogue entry that best describes an HTTP status (e.g. an upstream's). */
export function findErrorCodeForStatus(status: number): ErrorCode {
  const exact = codesByStatus.get(status);
  if (exact) return exact;
  if (status === 422 || (status >= 400 && status < 500)) return "invalid_request";
  return "provider_error";
}
