import { GatewayError } from "./gateway-error.ts";

export interface ErrorEnvelope {
  error: { message: string; type: string; code: number; param: string | null };
}

/** The OpenAI error envelope for anything thrown; unknown errors become a 500 without internals. */
export function toErrorEnvelope(error: unknown): { status: number; body: ErrorEnvelope } {
  if (error instanceof GatewayError) {
    return {
      status: error.status,
      body: { error: { message: error.message, type: error.type, code: error.status, param: error.param } },
    };
  }
  return {
    status: 500,
    body: { error: { message: "Internal error.", type: "internal_error", code: 500, param: null } },
  };
}
