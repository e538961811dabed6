import assert from "node:assert/strict";
import type OpenAI from "openai";

/**
 * Reads a streamed chat completion that must fail part-way: the text delivered before the failure and
 * what was thrown. A stream that ends cleanly fails the test with `message`.
 */
export async function readStreamUntilFailure(
  stream: AsyncIterable<OpenAI.ChatCompletionChunk>,
  message = "the stream ended without an error",
): Promise<{ text: string; error: unknown }> {
  let text = "";
  try {
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
  } catch (error) {
    return { text, error };
  }
  assert.fail(message);
}
