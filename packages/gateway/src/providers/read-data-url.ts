export interface DataUrl {
  /** Lower-cased, as vendors compare it against their own lists. */
  mediaType: string;
  /** Base64, which every vendor takes for inline bytes. */
  data: string;
}

/**
 * `data:<media type>[;params][;base64],<data>` → its media type and base64 payload; a percent-encoded
 * payload is re-encoded as base64. Anything else (an http URL, a malformed escape) → undefined, so
 * the caller answers with its own 400.
 */
export function readDataUrl(url: string): DataUrl | undefined {
  const match = /^data:([^;,]+)((?:;[^;,]*)*),/i.exec(url);
  if (!match?.[1]) return undefined;
  const payload = url.slice(match[0].length);
  const mediaType = match[1].toLowerCase();
  if (/;base64$/i.test(match[2] ?? "")) return { mediaType, data: payload };
  try {
    return { mediaType, data: Buffer.from(decodeURIComponent(payload)).toString("base64") };
  } catch {
    return undefined;
  }
}
