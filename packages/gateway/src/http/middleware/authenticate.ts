import type { FastifyRequest } from "fastify";
import { GatewayError } from "@aigateway/protocol";
import type { AccountDirectory, AccountProfile } from "../../accounts/account-directory.ts";
import type { KeyService, Principal } from "../../accounts/key-service.ts";
import { defaultAccountId } from "../../bootstrap/ensure-owner.ts";

declare module "fastify" {
  interface FastifyRequest {
    principal: Principal | null;
    account: AccountProfile | null;
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
export function createAuthenticateHook(keys: KeyService, accounts: AccountDirectory) {
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
    const profile = await accounts.findProfile(principal.accountId);
    if (!profile) {
      throw new GatewayError("authentication_failed", {
        message: "The account of this API key was deleted.",
      });
    }
    request.principal = principal;
    request.account = profile;
  };
}

export function requirePrincipal(request: FastifyRequest): Principal {
  if (!request.principal) throw new GatewayError("authentication_failed");
  return request.principal;
}

export function requireProfile(request: FastifyRequest): AccountProfile {
  if (!request.account) throw new GatewayError("authentication_failed");
  return request.account;
}

/** The operator: an owner key of the bootstrap account (AIG_ADMIN_KEY or the key printed at first start). */
export function isAdmin(principal: Principal): boolean {
  return principal.accountId === defaultAccountId && principal.role === "owner";
}

export function requireAdmin(request: FastifyRequest): Principal {
  const principal = requirePrincipal(request);
  if (!isAdmin(principal)) {
    throw new GatewayError("permission_denied", {
      message: "Only the admin key (AIG_ADMIN_KEY) can use /v1/admin.",
    });
  }
  return principal;
}

/** A top-level account's owner key: sub-account keys cannot manage sub-accounts or budgets. */
export function requireTopLevelOwner(request: FastifyRequest, action: string): AccountProfile {
  requireOwner(request);
  const profile = requireProfile(request);
  if (profile.parent) {
    throw new GatewayError("permission_denied", { message: `A sub-account key cannot ${action}.` });
  }
  return profile;
}

export function requireOwner(request: FastifyRequest): Principal {
  const principal = requirePrincipal(request);
  if (principal.role !== "owner") {
    throw new GatewayError("permission_denied", { message: "Only an owner key can manage keys." });
  }
  return principal;
}
