import { GatewayError } from "@aigateway/protocol";
import { readDataUrl } from "../read-data-url.ts";
import type { GeminiPart } from "./gemini-wire-types.ts";

// Gemini needs a MIME type for every file it is given by URL; the extension is all a URL tells us.
const mimeTypesByExtension: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  webp: "image/webp",
  gif: "image/gif",
  heic: "image/heic",
  heif: "image/heif",
  pdf: "application/pdf",
  mp3: "audio/mp3",
  wav: "audio/wav",
  mp4: "video/mp4",
};

/** The MIME type a URL's file extension implies, or undefined. */
export function guessMimeType(url: string): string | undefined {
  let pathname: string;
  try {
    pathname = new URL(url).pathname;
  } catch {
    return undefined;
  }
  const extension = /\.([a-z0-9]+)$/i.exec(pathname)?.[1]?.toLowerCase();
  return extension ? mimeTypesByExtension[extension] : undefined;
}

/**
 * An image URL as a Gemini part: a `data:` URL is sent inline (base64), an http(s) URL as `fileData`
 * for Gemini to fetch. Gemini needs the MIME type up front, so an http URL whose extension does not
 * name one is a 400 that suggests a data: URL, rather than a guess that the vendor may reject.
 */
export function toGeminiMediaPart(url: string, param: string): GeminiPart {
  const dataUrl = readDataUrl(url);
  if (dataUrl) return { inlineData: { mimeType: dataUrl.mediaType, data: dataUrl.data } };
  // Files uploaded to Gemini's Files API are referenced by their URI; Gemini knows their type.
  if (url.startsWith("https://generativelanguage.googleapis.com/")) return { fileData: { fileUri: url } };
  if (/^https?:\/\//i.test(url) || url.startsWith("gs://")) {
    const mimeType = guessMimeType(url);
    if (!mimeType) {
      throw new GatewayError("invalid_request", {
        param,
        message: `Gemini needs the file type of ${url.slice(0, 200)} and its extension does not tell it; send the image as a data: URL (data:image/png;base64,…) instead.`,
      });
    }
    return { fileData: { mimeType, fileUri: url } };
  }
  throw new GatewayError("invalid_request", {
    param,
    message: "An image URL must be a data: URL or an http(s) URL.",
  });
}
