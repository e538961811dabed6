import { errorCatalogue, type ErrorCode } from "./error-catalogue.ts";

export interface GatewayErrorOptions {
  message?: string;
  param?: string | null;
  headers?: Record<string, string>;
  cause?: unknown;
}

/** Every error the gateway answers with deliberately. Anything else thrown is an internal error. */
export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly type: string;
  readonly retryable: boolean;
  readonly param: string | null;
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, options: GatewayErrorOptions = {}) {
    const definition = errorCatalogue[code];
    super(options.message ?? definition.message, { cause: options.cause });
    this.name = "GatewayError";
    this.code = code;
    this.status = definition.status;
    this.type = definition.type;
    this.retryable = definition.retryable;
    this.param = options.param ?? null;
    this.headers = options.headers ?? {};
  }
}

export interface UpstreamErrorOptions extends GatewayErrorOptions {
  provider: string;
  upstreamStatus: number | null;
  upstreamBody?: unknown;
  upstreamHeaders?: Record<string, string | string[] | undefined>;
}

/** A failure reported by (or while talking to) a provider; keeps what the provider said. */
export class UpstreamError extends GatewayError {
  readonly provider: string;
  readonly upstreamStatus: number | null;
  readonly upstreamBody: unknown;
  readonly upstreamHeaders: Record<string, string | string[] | undefined>;

  constructor(code: ErrorCode, options: UpstreamErrorOptions) {
    super(code, options);
    this.name = "UpstreamError";
    this.provider = options.provider;
    this.upstreamStatus = options.upstreamStatus;
    this.upstreamBody = options.upstreamBody;
    this.upstreamHeaders = options.upstreamHeaders ?? {};
  }
}
