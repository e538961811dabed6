import type { FastifyRequest } from "fastify";
import type { RequestContext } from "../../chat/request-context.ts";
import { requirePrincipal } from "../middleware/authenticate.ts";
import { readTag } from "../validation/read-tag.ts";

declare module "fastify" {
  interface FastifyRequest {
    startedAt: number;
  }
}

export function toRequestContext(request: FastifyRequest): RequestContext {
  const principal = requirePrincipal(request);
  return {
    requestId: request.id,
    accountId: principal.accountId,
    keyId: principal.keyId,
    tag: readTag(request.headers["x-aig-tag"]),
    startedAt: request.startedAt,
  };
}
