/** A key for signed URLs; `id` travels in the URL as `k` so older keys keep verifying after a rotation. */
export interface SigningKey {
  id: string;
  secret: Buffer;
}

const keyIdPattern = /^[A-Za-z0-9_-]{1,32}$/;
const minimumSecretLength = 32;

/**
 * Reads AIG_SIGNING_KEYS: `id:secret` pairs separated by commas, the first one signing and all of them
 * verifying. To rotate, put a new key first and drop the old one once its URLs have expired.
 */
export function parseSigningKeys(raw: string | undefined): SigningKey[] {
  if (raw === undefined || raw.trim() === "") return [];
  const keys: SigningKey[] = [];
  for (const entry of raw.split(",")) {
    const trimmed = entry.trim();
    const separator = trimmed.indexOf(":");
    if (separator < 0) throw new Error(`each signing key must be written id:secret, got "${trimmed}"`);
    const id = trimmed.slice(0, separator);
    const secret = trimmed.slice(separator + 1);
    if (!keyIdPattern.test(id)) {
      throw new Error(`signing key id "${id}" must be 1-32 letters, digits, '_' or '-'`);
    }
    if (secret.length < minimumSecretLength) {
      throw new Error(`signing key "${id}" is too short: use at least ${minimumSecretLength} characters`);
    }
    if (keys.some((key) => key.id === id)) throw new Error(`signing key id "${id}" is listed twice`);
    keys.push({ id, secret: Buffer.from(secret, "utf8") });
  }
  return keys;
}
