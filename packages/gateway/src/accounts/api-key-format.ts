import { createHash, randomBytes } from "node:crypto";

export const apiKeyPrefix = "sk-aig-";

export function generateApiKey(): string {
  return apiKeyPrefix + randomBytes(24).toString("base64url");
}

export function hashApiKey(plaintext: string): string {
  return createHash("sha256").update(plaintext).digest("hex");
}

/** The part of a key shown in listings: enough to recognise it, useless to an attacker. */
export function displayPrefix(plaintext: string): string {
  return plaintext.slice(0, apiKeyPrefix.length + 6);
}

export function generateId(prefix: string): string {
  return `${prefix}${randomBytes(12).toString("base64url")}`;
}
