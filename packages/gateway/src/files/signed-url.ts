import { createHmac, timingSafeEqual } from "node:crypto";
import type { SigningKey } from "./signing-keys.ts";

export interface SignedJobFile {
  accountId: string;
  jobId: string;
  filename: string;
  /** Unix seconds after which the URL no longer works. */
  expiresAt: number;
}

export interface PresentedSignature {
  token: string;
  expiresAt: number;
  keyId: string;
}

export type SignatureCheck = "valid" | "expired" | "unknown_key" | "mismatch";

const macLength = 32;
const tokenPattern = /^[A-Za-z0-9_-]{1,128}$/;

// Ids and file names are restricted to characters without a newline, so joining with newlines is
// unambiguous: no two different paths produce the same signed text.
function computeMac(secret: Buffer, file: SignedJobFile): Buffer {
  return createHmac("sha256", secret)
    .update(`aig-signed-url:v1\n${file.accountId}\n${file.jobId}\n${file.filename}\n${file.expiresAt}`)
    .digest();
}

/** The `token` query value: base64url HMAC-SHA256 of account, job id, file name and expiry. */
export function signJobFile(key: SigningKey, file: SignedJobFile): string {
  return computeMac(key.secret, file).toString("base64url");
}

/**
 * Reads `token`, `exp` and `k` from a query; undefined when one is missing or not well-formed (the
 * caller answers 400, as opposed to a well-formed signature that does not match: 403).
 */
export function readPresentedSignature(query: Record<string, unknown>): PresentedSignature | undefined {
  const { token, exp, k } = query;
  if (typeof token !== "string" || !tokenPattern.test(token)) return undefined;
  if (typeof exp !== "string" || !/^\d{1,12}$/.test(exp)) return undefined;
  if (typeof k !== "string" || k.length === 0 || k.length > 64) return undefined;
  return { token, expiresAt: Number(exp), keyId: k };
}

/** Checks a presented signature for one candidate file, in constant time for the MAC comparison. */
export function checkJobFileSignature(
  keys: readonly SigningKey[],
  presented: PresentedSignature,
  file: Omit<SignedJobFile, "expiresAt">,
  nowSeconds: number,
): SignatureCheck {
  const key = keys.find((candidate) => candidate.id === presented.keyId);
  if (!key) return "unknown_key";
  const expected = computeMac(key.secret, { ...file, expiresAt: presented.expiresAt });
  const given = Buffer.from(presented.token, "base64url");
  if (given.length !== macLength || !timingSafeEqual(given, expected)) return "mismatch";
  // Checked after the MAC so an expired but forged URL is reported as forged, not as expired.
  return presented.expiresAt <= nowSeconds ? "expired" : "valid";
}
