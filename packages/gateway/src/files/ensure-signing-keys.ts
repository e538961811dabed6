import { randomBytes } from "node:crypto";
import type { FileStore } from "../storage/storage.ts";
import type { SigningKey } from "./signing-keys.ts";

/** The id of the key generated when AIG_SIGNING_KEYS is not set. */
export const generatedSigningKeyId = "generated";

/**
 * The configured keys, or else one generated key kept in the database: every replica sharing it
 * signs and verifies with the same secret, and URLs survive restarts.
 */
export async function ensureSigningKeys(
  configured: readonly SigningKey[],
  store: FileStore,
  now: number,
): Promise<SigningKey[]> {
  if (configured.length > 0) return [...configured];
  const stored = await store.ensureSigningKey({
    id: generatedSigningKeyId,
    secret: randomBytes(32).toString("base64url"),
    createdAt: now,
  });
  return [{ id: stored.id, secret: Buffer.from(stored.secret, "utf8") }];
}
