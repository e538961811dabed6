import { UpstreamError } from "@aigateway/protocol";
import { toOpenAiUpstreamError } from "../openai-compatible/to-openai-upstream-error.ts";

type Headers = Record<string, string | string[] | undefined>;

interface AzureErrorBody {
  error?: { code?: unknown; message?: unknown; innererror?: { code?: unknown } };
}

/**
 * Azure OpenAI errors are OpenAI-shaped, so the OpenAI mapping does most of the work (401/403 → 502,
 * 429 keeps retry-after, 5xx → 502). Two Azure codes get a message that says what happened: a prompt
 * blocked by the content filter (400 `content_filter` / ResponsibleAIPolicyViolation) and a catalog
 * route naming a deployment the resource does not have (404 DeploymentNotFound).
 */
export function toAzureUpstreamError(
  provider: string,
  status: number,
  body: unknown,
  headers: Headers,
): UpstreamError {
  const error = typeof body === "object" && body !== null ? (body as AzureErrorBody).error : undefined;
  const vendorMessage = typeof error?.message === "string" ? error.message : `HTTP ${status}`;
  const base = { provider, upstreamStatus: status, upstreamBody: body, upstreamHeaders: headers };
  if (
    status === 400 &&
    (error?.code === "content_filter" || error?.innererror?.code === "ResponsibleAIPolicyViolation")
  ) {
    return new UpstreamError("invalid_request", {
      ...base,
      param: "messages",
      message: `Azure OpenAI's content filter blocked this request (content_filter): ${vendorMessage}`,
    });
  }
  if (status === 404 && error?.code === "DeploymentNotFound") {
    return new UpstreamError("model_not_found", {
      ...base,
      param: "model",
      message: `${provider}: the Azure OpenAI deployment for this model does not exist (DeploymentNotFound): ${vendorMessage}`,
    });
  }
  return toOpenAiUpstreamError(provider, status, body, headers);
}
