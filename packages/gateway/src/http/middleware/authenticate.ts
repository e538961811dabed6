import type { FastifyRequest } from "fastify";
import { GatewayError } from "@aigateway/protocol";
import type { KeyService, Principal } from "../../accounts/key-service.ts";

declare module "fastify" {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

function readPresentedKey(request: FastifyRequest): string | undefined {
  const authorization = request.headers.authorization;
  if (authorization) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    return match?.[1];
  }
  const apiKey = request.headers["x-api-key"];
  return typeof apiKey === "string" && apiKey ? apiKey.trim() : undefined;
}

/** Accepts `Authorization: Bearer sk-aig-…` or `x-api-key`; anything else is a 401. */
export function createAuthenticateHook(keys: KeyService) {
  return async function authenticate(request: FastifyRequest): Promise<void> {
    const presented = readPresentedKey(request);
    if (!presented) {
      throw new GatewayError("authentication_failed", {
        message: "Missing API key. Send it as 'Authorization: Bearer sk-aig-…'.",
      });
    }
    const principal = await keys.authenticate(presented);
    if (!principal) {
      throw new GatewayError("authentication_failed", { message: "Invalid or revoked API key." });
    }
    request.principal = principal;
  };
}

export function requirePrincipal(request: FastifyRequest): Principal {
  if (!request.principal) throw new GatewayError("authentication_failed");
  return request.principal;
}

export function requireOwner(request: FastifyRequest): Principal {
  const principal = requirePrincipal(request);
  if (principal.role !== "owner") {
    throw new GatewayError("permission_denied", { message: "Only an owner key can manage keys." });
  }
  return principal;
}
