import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export const webhookSecretPrefix = "whsec_";

export function generateWebhookSecret(): string {
  return webhookSecretPrefix + randomBytes(24).toString("base64url");
}

/** Hex HMAC-SHA256 of `${timestamp}.${body}` with the secret (its UTF-8 bytes, prefix included). */
export function computeWebhookSignature(secret: string, timestamp: number, body: string): string {
  return createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
}

/**
 * `t=<unix>,v1=<hex>[,v1=<hex>]`: one v1 per secret, in the order given. Callers put the current
 * secret last, because the published SDK verifiers keep only the last v1 they parse.
 */
export function formatSignatureHeader(secrets: readonly string[], timestamp: number, body: string): string {
  return [
    `t=${timestamp}`,
    ...secrets.map((secret) => `v1=${computeWebhookSignature(secret, timestamp, body)}`),
  ].join(",");
}

export interface VerifyWebhookInput {
  secret: string;
  /** The raw request body, exactly as received. */
  body: string;
  /** The `x-aig-signature` header. */
  header: string;
  /** Current unix time in seconds. */
  nowSeconds: number;
  toleranceSeconds?: number;
}

/** Receiver-side check: the timestamp is recent and some v1 matches this secret (constant time). */
export function verifyWebhookSignature(input: VerifyWebhookInput): boolean {
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of input.header.split(",")) {
    const separator = part.indexOf("=");
    if (separator <= 0) continue;
    const name = part.slice(0, separator).trim();
    const value = part.slice(separator + 1).trim();
    if (name === "t" && /^\d+$/.test(value)) timestamp = Number(value);
    else if (name === "v1") signatures.push(value);
  }
  if (timestamp === undefined || signatures.length === 0) return false;
  if (Math.abs(input.nowSeconds - timestamp) > (input.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(computeWebhookSignature(input.secret, timestamp, input.body), "hex");
  return signatures.some((signature) => {
    const presented = Buffer.from(signature, "hex");
    return presented.length === expected.length && timingSafeEqual(presented, expected);
  });
}
