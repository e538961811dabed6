import type OpenAI from "openai";
import { toFile } from "openai";
import { waitFor } from "./wait-for.ts";

type Batch = Awaited<ReturnType<OpenAI["batches"]["retrieve"]>>;

/** `count` JSONL lines for test/priced (see priced-test-model.ts): custom_id `line-N`, content `line N`. */
export function chatBatchLines(count: number): string[] {
  return Array.from({ length: count }, (_, index) =>
    JSON.stringify({
      custom_id: `line-${index}`,
      method: "POST",
      url: "/v1/chat/completions",
      body: {
        model: "test/priced",
        messages: [{ role: "user", content: `line ${index}` }],
        max_tokens: 400,
      },
    }),
  );
}

/** Uploads the lines and creates a chat-completions batch over them, as a user of the SDK would. */
export async function submitChatBatch(client: OpenAI, lines: readonly string[]): Promise<Batch> {
  const file = await client.files.create({
    file: await toFile(Buffer.from(lines.join("\n")), "batch.jsonl"),
    purpose: "batch",
  });
  return client.batches.create({
    input_file_id: file.id,
    endpoint: "/v1/chat/completions",
    completion_window: "24h",
  });
}

/** Polls until the batch is completed; returns it with the custom_ids of its output file, in order. */
export async function waitForCompletedBatch(
  client: OpenAI,
  id: string,
): Promise<{ batch: Batch; outputCustomIds: string[] }> {
  const batch = await waitFor(async () => {
    const current = await client.batches.retrieve(id);
    return current.status === "completed" ? current : undefined;
  });
  const output = await (await client.files.content(batch.output_file_id ?? "")).text();
  const outputCustomIds = output
    .trim()
    .split("\n")
    .map((line) => (JSON.parse(line) as { custom_id: string }).custom_id);
  return { batch, outputCustomIds };
}
