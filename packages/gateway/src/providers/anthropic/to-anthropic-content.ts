import type { ContentPart } from "@aigateway/protocol";
import { GatewayError } from "@aigateway/protocol";
import type {
  AnthropicContentBlock,
  AnthropicDocumentBlock,
  AnthropicImageBlock,
  AnthropicOtherBlock,
} from "./anthropic-wire-types.ts";
import { readDataUrl } from "../read-data-url.ts";
import { readString } from "./read-string.ts";

type Block = AnthropicContentBlock | AnthropicOtherBlock;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Copies an Anthropic prompt-caching marker from an OpenAI-shaped part or message onto a block. */
export function copyCacheControl<T extends object>(block: T, from: Record<string, unknown>): T {
  return from.cache_control === undefined ? block : { ...block, cache_control: from.cache_control };
}

function toMediaBlock(url: string, param: string): AnthropicImageBlock | AnthropicDocumentBlock {
  const dataUrl = readDataUrl(url);
  if (dataUrl) {
    const source = { type: "base64" as const, media_type: dataUrl.mediaType, data: dataUrl.data };
    return dataUrl.mediaType === "application/pdf" ? { type: "document", source } : { type: "image", source };
  }
  if (/^https?:\/\//i.test(url)) return { type: "image", source: { type: "url", url } };
  throw new GatewayError("invalid_request", {
    param,
    message: `${param} must be an http(s) URL or a base64 data: URL.`,
  });
}

function toFileBlock(part: Record<string, unknown>, param: string): AnthropicDocumentBlock {
  const file = isRecord(part.file) ? part.file : {};
  const dataUrl = typeof file.file_data === "string" ? readDataUrl(file.file_data) : undefined;
  if (!dataUrl) {
    throw new GatewayError("invalid_request", {
      param,
      message: `${param}: Anthropic models take files as base64 data: URLs in file.file_data (file_id is not supported).`,
    });
  }
  return { type: "document", source: { type: "base64", media_type: dataUrl.mediaType, data: dataUrl.data } };
}

/**
 * One OpenAI content part as an Anthropic block. Part types OpenAI does not define are taken to be
 * native Anthropic blocks (document, search_result…) and forwarded as given, so a client that speaks
 * Anthropic's block types through the OpenAI shape loses nothing.
 */
export function toAnthropicBlock(part: ContentPart, param: string): Block {
  const fields = part as Record<string, unknown>;
  switch (part.type) {
    case "text":
      return copyCacheControl({ type: "text", text: readString(fields.text) }, fields);
    case "refusal":
      return copyCacheControl({ type: "text", text: readString(fields.refusal) }, fields);
    case "image_url": {
      const imageUrl = isRecord(fields.image_url) ? fields.image_url : {};
      return copyCacheControl(toMediaBlock(readString(imageUrl.url), `${param}.image_url.url`), fields);
    }
    case "file":
      return copyCacheControl(toFileBlock(fields, `${param}.file`), fields);
    case "input_audio":
      throw new GatewayError("invalid_request", {
        param,
        message: `${param}: Anthropic models do not accept audio input.`,
      });
    default:
      return { ...fields, type: part.type };
  }
}

/** A message's content as blocks (a string becomes one text block). */
export function toAnthropicBlocks(
  content: string | ContentPart[] | null | undefined,
  param: string,
): Block[] {
  if (content === null || content === undefined) return [];
  if (typeof content === "string") return [{ type: "text", text: content }];
  return content.map((part, index) => toAnthropicBlock(part, `${param}[${index}]`));
}
