import type { ChatCompletionRequest, EmbeddingRequest } from "@aigateway/protocol";
import { GatewayError } from "@aigateway/protocol";
import { createOpenAiCompatibleAdapter } from "../openai-compatible/openai-compatible-adapter.ts";
import type {
  ChatTarget,
  ProviderAdapter,
  ProviderConfig,
  UpstreamHttpRequest,
} from "../provider-adapter.ts";
import { createAzureStreamTransform } from "./azure-stream-transform.ts";
import { toAzureUpstreamError } from "./to-azure-upstream-error.ts";

/** The latest GA data-plane inference version when this was written; AZURE_OPENAI_API_VERSION overrides. */
export const defaultAzureApiVersion = "2024-10-21";

/**
 * Azure OpenAI is OpenAI's chat API behind per-deployment URLs: the catalog route's upstream_id is the
 * deployment name, the key goes in `api-key`, and every call names an api-version. Everything else
 * (request body, response, stream, usage, errors) is the OpenAI-compatible adapter's, wrapped.
 */
export function createAzureAdapter(config: ProviderConfig): ProviderAdapter {
  const apiVersion = config.settings.apiVersion || defaultAzureApiVersion;
  const keyHeader: Record<string, string> = config.apiKey ? { "api-key": config.apiKey } : {};
  const openAi = createOpenAiCompatibleAdapter({
    ...config,
    // An Authorization: Bearer header would be read as an Entra ID token and rejected.
    apiKey: undefined,
    baseUrl: config.baseUrl || "http://unconfigured.invalid",
    headers: { ...config.headers, ...keyHeader },
  });
  // Operators paste either the resource URL or the URL ending in /openai; both mean the same.
  const basePath = config.baseUrl
    ? new URL(config.baseUrl).pathname.replace(/\/+$/, "").replace(/\/openai$/, "")
    : "";

  function deploymentPath(deployment: string, operation: string): string {
    if (!config.baseUrl) {
      throw new GatewayError("service_unavailable", {
        message: `Provider ${config.id} is not fully configured: set AZURE_OPENAI_BASE_URL to the resource endpoint (https://<resource>.openai.azure.com).`,
      });
    }
    const version = encodeURIComponent(apiVersion);
    return `${basePath}/openai/deployments/${encodeURIComponent(deployment)}/${operation}?api-version=${version}`;
  }

  return {
    ...openAi,
    config,
    async toChatRequest(request: ChatCompletionRequest, target: ChatTarget): Promise<UpstreamHttpRequest> {
      const upstream = await openAi.toChatRequest(request, target);
      return { ...upstream, path: deploymentPath(target.upstreamModel, "chat/completions") };
    },
    createChatStreamTransform(target: ChatTarget, request?: ChatCompletionRequest) {
      return createAzureStreamTransform(openAi.createChatStreamTransform(target, request), target);
    },
    async toEmbeddingRequest(request: EmbeddingRequest, target: ChatTarget): Promise<UpstreamHttpRequest> {
      if (!openAi.toEmbeddingRequest) throw new Error("the OpenAI-compatible adapter serves embeddings");
      const upstream = await openAi.toEmbeddingRequest(request, target);
      return { ...upstream, path: deploymentPath(target.upstreamModel, "embeddings") };
    },
    toUpstreamError(status, body, headers) {
      return toAzureUpstreamError(config.id, status, body, headers);
    },
  };
}
