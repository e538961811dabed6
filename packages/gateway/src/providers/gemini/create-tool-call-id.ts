import { createHash } from "node:crypto";

/**
 * Gemini function calls usually carry no id, while OpenAI tool results must name the call they answer.
 * The id is derived from the response id, the candidate, the call's position and its name, so the same
 * response always yields the same ids (a replayed or retried request included).
 */
export function createToolCallId(
  responseId: string,
  candidateIndex: number,
  callIndex: number,
  name: string,
): string {
  const digest = createHash("sha256")
    .update(`${responseId}\u0000${candidateIndex}\u0000${callIndex}\u0000${name}`)
    .digest("hex")
    .slice(0, 16);
  return `call_${callIndex}_${digest}`;
}
