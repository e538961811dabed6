import type { ChatCompletionRequest } from "@aigateway/protocol";
import { GatewayError } from "@aigateway/protocol";
import type {
  ChatTarget,
  ProviderAdapter,
  ProviderConfig,
  UpstreamHttpRequest,
} from "../provider-adapter.ts";
import { createConverseStreamTransform } from "./converse-stream-transform.ts";
import { findUnsupportedParameters } from "./find-unsupported-parameters.ts";
import { fromConverseResponse } from "./from-converse-response.ts";
import { signAwsRequest, type AwsCredentials } from "./sign-aws-request.ts";
import { toBedrockUpstreamError } from "./to-bedrock-upstream-error.ts";
import { toConverseRequest } from "./to-converse-request.ts";

const defaultRegion = "us-east-1";

/** BEDROCK_BASE_URL when set (a proxy, a VPC endpoint, a test double), else the region's endpoint. */
export function resolveBedrockBaseUrl(config: ProviderConfig): URL {
  const region = config.settings.region || defaultRegion;
  const base = config.baseUrl || `https://bedrock-runtime.${region}.amazonaws.com`;
  return new URL(base.replace(/\/+$/, ""));
}

function readCredentials(config: ProviderConfig): AwsCredentials {
  const secretAccessKey = config.settings.secretAccessKey;
  if (!config.apiKey || !secretAccessKey) {
    // The operator's setup is incomplete: a 503 naming the variable, like an unconfigured provider.
    throw new GatewayError("service_unavailable", {
      message: `Provider ${config.id} needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY to be set.`,
    });
  }
  const credentials: AwsCredentials = { accessKeyId: config.apiKey, secretAccessKey };
  if (config.settings.sessionToken) credentials.sessionToken = config.settings.sessionToken;
  return credentials;
}

/**
 * AWS Bedrock through the Converse API (one request shape for every Bedrock model), signed with
 * SigV4. Streams use ConverseStream, whose body is AWS event-stream framed.
 */
export function createBedrockAdapter(config: ProviderConfig): ProviderAdapter {
  const baseUrl = resolveBedrockBaseUrl(config);
  const basePath = baseUrl.pathname.replace(/\/+$/, "");
  const region = config.settings.region || defaultRegion;

  return {
    id: config.id,
    config,
    streamFraming: "aws-eventstream",
    async toChatRequest(request: ChatCompletionRequest, target: ChatTarget): Promise<UpstreamHttpRequest> {
      const credentials = readCredentials(config);
      const operation = request.stream ? "converse-stream" : "converse";
      const path = `${basePath}/model/${encodeURIComponent(target.upstreamModel)}/${operation}`;
      const body = JSON.stringify(toConverseRequest(request, target.upstreamModel, target.maxOutputTokens));
      const url = new URL(path, baseUrl.origin);
      const headers = await signAwsRequest(
        {
          method: "POST",
          url,
          headers: { ...config.headers, "content-type": "application/json" },
          body,
        },
        { credentials, region, service: "bedrock" },
      );
      // The translation leaves these out (Converse has no field for them); the service reports them.
      const droppedParameters = findUnsupportedParameters(request, target.upstreamModel);
      return { origin: baseUrl.origin, path, headers, body, droppedParameters };
    },
    fromChatResponse(body: unknown, target: ChatTarget) {
      return fromConverseResponse(config.id, body, target);
    },
    createChatStreamTransform(target: ChatTarget) {
      return createConverseStreamTransform(config.id, target);
    },
    toUpstreamError(status, body, responseHeaders) {
      return toBedrockUpstreamError(config.id, status, body, responseHeaders);
    },
  };
}
