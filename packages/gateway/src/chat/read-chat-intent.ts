import { GatewayError, type ChatCompletionRequest } from "@aigateway/protocol";
import type { AccountProfile } from "../accounts/account-directory.ts";
import { modalities, type Modality } from "../catalog/catalog-schema.ts";
import type { RoutingOptions } from "../routing/create-router.ts";
import type { RoutingBias } from "../routing/decide-auto-route.ts";
import type { RoutePolicy } from "../routing/order-routes.ts";

/** What a request asks of the router, read from its (already validated) gateway-only fields. */
export interface ChatIntent {
  /** Explicit models in order; undefined means the Auto Router decides. */
  models: string[] | undefined;
  routing: RoutingOptions | undefined;
  siblingFallback: boolean;
  bias: RoutingBias;
  baselineModel: string | undefined;
  /** What a substitute model must support to serve this request. */
  requiredCapabilities: string[];
}

function hasImage(request: ChatCompletionRequest): boolean {
  return request.messages.some(
    (message) =>
      Array.isArray(message.content) &&
      message.content.some((part) => (part as { type?: unknown }).type === "image_url"),
  );
}

/** The Auto Router's model names: `auto`, or `auto/<modality>` for the modality the endpoint serves. */
function isAutoModel(model: string, modality: Modality): boolean {
  const lowered = model.toLowerCase();
  if (lowered === "auto") return true;
  if (!lowered.startsWith("auto/")) return false;
  const asked = lowered.slice("auto/".length);
  if (asked === modality) return true;
  if ((modalities as readonly string[]).includes(asked)) {
    throw new GatewayError("invalid_request", {
      param: "model",
      message: `'${model}' routes ${asked} models; this endpoint serves ${modality} (use auto/${modality}).`,
    });
  }
  throw new GatewayError("invalid_request", {
    param: "model",
    message: `Unknown Auto Router modality in '${model}'; use auto or auto/${modality}.`,
  });
}

export function readModels(model: unknown, modality: Modality): string[] | undefined {
  if (model === undefined || model === null) return undefined;
  // The schema has checked the shape: a slug or a list of slugs.
  const list = Array.isArray(model) ? (model as string[]) : [model as string];
  if (list.length === 1 && isAutoModel(list[0] as string, modality)) return undefined;
  if (list.some((entry) => entry.toLowerCase() === "auto" || entry.toLowerCase().startsWith("auto/"))) {
    throw new GatewayError("invalid_request", {
      param: "model",
      message: "'auto' cannot be part of a model list; send it alone.",
    });
  }
  return list;
}

export function readChatIntent(request: ChatCompletionRequest): ChatIntent {
  const raw = request.routing as
    | { policy?: RoutePolicy; providers?: string[]; max_cost_per_1m_input?: number; allow_fallback?: boolean }
    | undefined;
  const required: string[] = [];
  if (Array.isArray(request.tools) && request.tools.length > 0) required.push("tools");
  if (hasImage(request)) required.push("vision");
  const format = request.response_format?.type;
  if (format === "json_object" || format === "json_schema") required.push("json");
  return {
    models: readModels(request.model, "text"),
    routing: raw
      ? {
          policy: raw.policy,
          providers: raw.providers,
          maxCostPer1mInput: raw.max_cost_per_1m_input,
          allowFallback: raw.allow_fallback,
        }
      : undefined,
    siblingFallback: request.fallbacks !== false,
    bias: (request["x-routing"] as RoutingBias | undefined) ?? "auto",
    baselineModel: typeof request.baseline_model === "string" ? request.baseline_model : undefined,
    requiredCapabilities: required,
  };
}

/** The key's model allow-lists (its own and its parent's), as one predicate. */
export function createModelAllowance(profile: AccountProfile | undefined): (modelId: string) => boolean {
  const lists = [profile?.account.allowedModels ?? null, profile?.parent?.allowedModels ?? null].filter(
    (list): list is string[] => list !== null,
  );
  return (modelId) => lists.every((list) => list.includes(modelId));
}
