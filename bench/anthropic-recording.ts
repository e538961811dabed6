// The recorded Anthropic Messages stream the Anthropic-upstream cases replay, framed as Anthropic
// sends it (`event: <type>` then `data: <json>`), and what a correct relay of it must contain. Shared
// by the fake upstream (which serves it) and the driver (which checks answers and counts chunks).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const repositoryRoot = fileURLToPath(new URL("../", import.meta.url));
const fixturesDirectory = process.env.AIG_FIXTURES_DIR ?? `${repositoryRoot}../shared/fixtures/providers/`;

function readChunkLines(file: string): string[] {
  return readFileSync(`${fixturesDirectory}${file}`, "utf8")
    .split("\n")
    .filter((line) => line.trim().length > 0);
}

const anthropicLines = readChunkLines("anthropic/messages-stream-text.chunks.txt");

/** One buffer per recorded event, so the fake can write them in separate event-loop turns. */
export const anthropicStreamEvents: Buffer[] = anthropicLines.map((line) => {
  const type = (JSON.parse(line) as { type?: string }).type ?? "message";
  return Buffer.from(`event: ${type}\ndata: ${line}\n\n`);
});

/** The recorded non-streamed answer, served byte for byte. */
export const anthropicMessageBody = readFileSync(`${fixturesDirectory}anthropic/messages-text.json`);

/** The answer's text, joined from the recorded text deltas: what any relay must deliver in full. */
export const anthropicStreamText = anthropicLines
  .map((line) => JSON.parse(line) as { type?: string; delta?: { type?: string; text?: string } })
  .filter((event) => event.type === "content_block_delta" && event.delta?.type === "text_delta")
  .map((event) => event.delta?.text ?? "")
  .join("");

function firstTokenMarker(text: string | undefined): string {
  if (!text) throw new Error("recorded stream has no text to time the first token by");
  // JSON-encoded, so the same bytes appear in Anthropic's `"text":…` and OpenAI's `"content":…`.
  return JSON.stringify(text);
}

/** Bytes that first appear in the event carrying the first token, in either wire shape. */
export const anthropicFirstTokenMarker = firstTokenMarker(
  anthropicLines
    .map((line) => JSON.parse(line) as { delta?: { text?: string } })
    .find((event) => event.delta?.text)?.delta?.text,
);

/** The same for the pass-through case's OpenAI recording (bench/fake-upstream-server.ts serves it). */
export const openaiFirstTokenMarker = firstTokenMarker(
  readChunkLines("openai/chat-stream-text-with-usage.chunks.txt")
    .map((line) => JSON.parse(line) as { choices?: { delta?: { content?: string } }[] })
    .find((chunk) => chunk.choices?.[0]?.delta?.content)?.choices?.[0]?.delta?.content,
);
