import { GatewayError } from "@aigateway/protocol";

const tagPattern = /^[\x20-\x7e]{1,64}$/;

/** `x-aig-tag`: a printable label of at most 64 characters for cost attribution. */
export function readTag(header: string | string[] | undefined): string | null {
  if (header === undefined) return null;
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value === "") return null;
  if (!tagPattern.test(value)) {
    throw new GatewayError("invalid_request", {
      param: "x-aig-tag",
      message: "The x-aig-tag header must be 1 to 64 printable ASCII characters.",
    });
  }
  return value;
}
