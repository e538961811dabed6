export interface DataUrl {
  mediaType: string;
  data: string;
}

/** `data:<media type>;base64,<data>` → its parts; anything else (an http URL, plain text data) → undefined. */
export function readDataUrl(url: string): DataUrl | undefined {
  const match = /^data:([^;,]+)((?:;[^;,]+)*);base64,/i.exec(url);
  if (!match?.[1]) return undefined;
  return { mediaType: match[1].toLowerCase(), data: url.slice(match[0].length) };
}
