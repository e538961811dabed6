/**
 * Adds what the Messages translation could not carry to the chat service's `x-aig-warning` (which
 * lists what the model itself does not support), so one header reports every dropped parameter.
 */
export function addWarnings(
  headers: Record<string, string>,
  slug: string,
  warnings: readonly string[],
): Record<string, string> {
  if (warnings.length === 0) return headers;
  const ours = `Not expressible for ${slug} through the Messages API, dropped: ${warnings.join(", ")}`;
  const existing = headers["x-aig-warning"];
  return { ...headers, "x-aig-warning": existing ? `${existing}; ${ours}` : ours };
}
