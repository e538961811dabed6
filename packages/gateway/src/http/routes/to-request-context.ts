import type { FastifyRequest } from "fastify";
import type { RequestContext } from "../../chat/request-context.ts";
import { requirePrincipal, requireProfile } from "../middleware/authenticate.ts";
import { readTag } from "../validation/read-tag.ts";

declare module "fastify" {
  interface FastifyRequest {
    startedAt: number;
  }
}

export function toRequestContext(request: FastifyRequest): RequestContext {
  const principal = requirePrincipal(request);
  const profile = requireProfile(request);
  return {
    requestId: request.id,
    accountId: principal.accountId,
    billingAccountId: profile.billing.id,
    keyId: principal.keyId,
    tag: readTag(request.headers["x-aig-tag"]) ?? profile.account.defaultTag,
    startedAt: request.startedAt,
    profile,
  };
}
