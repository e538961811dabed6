// One request per target before it is loaded, so a misconfigured target (wrong key, refused upstream,
// a gateway answering errors fast) is reported as such instead of measured as very quick.
import { request as httpRequest } from "node:http";
import type { LoadRequest } from "./load.ts";

function send(load: LoadRequest): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(load.url);
    const outgoing = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: "POST",
        // A content-length, as wrk and the TTFB client send; without it node:http would send chunked.
        headers: { ...load.headers, "content-length": Buffer.byteLength(load.body) },
      },
      (response) => {
        let body = "";
        response.setEncoding("utf8").on("data", (text: string) => (body += text));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
        response.on("error", reject);
      },
    );
    outgoing.on("error", reject);
    outgoing.end(load.body);
  });
}

/** Throws unless the target answers a full chat completion (JSON) or a complete stream (SSE). */
export async function checkResponse(load: LoadRequest, stream: boolean): Promise<void> {
  const { status, body } = await send(load);
  if (status !== 200) throw new Error(`answered ${status}: ${body.slice(0, 500)}`);
  if (stream) {
    const events = body.split("\n\n").filter((event) => event.startsWith("data: "));
    if (events.length < 20 || events.at(-1) !== "data: [DONE]") {
      throw new Error(`incomplete stream (${events.length} events): ${body.slice(-300)}`);
    }
    return;
  }
  const parsed = JSON.parse(body) as { choices?: { message?: { content?: string } }[] };
  if (!parsed.choices?.[0]?.message?.content) throw new Error(`not a chat completion: ${body.slice(0, 300)}`);
}

/**
 * Throws unless a streamed answer of the Anthropic case carries the recorded text in full and ends
 * properly: OpenAI chunks and `data: [DONE]` from our gateway, Anthropic events up to message_stop
 * from direct and the floor.
 */
export async function checkAnthropicCaseResponse(load: LoadRequest, expectedText: string): Promise<void> {
  const { status, body } = await send(load);
  if (status !== 200) throw new Error(`answered ${status}: ${body.slice(0, 500)}`);
  const payloads = body
    .split("\n")
    .filter((line) => line.startsWith("data: "))
    .map((line) => line.slice("data: ".length));
  let text = "";
  let ended = false;
  for (const payload of payloads) {
    if (payload === "[DONE]") {
      ended = true;
      continue;
    }
    const event = JSON.parse(payload) as {
      type?: string;
      delta?: { text?: string };
      choices?: { delta?: { content?: string | null } }[];
    };
    if (event.type === "message_stop") ended = true;
    text += event.type === "content_block_delta" ? (event.delta?.text ?? "") : "";
    text += event.choices?.[0]?.delta?.content ?? "";
  }
  if (!ended) throw new Error(`stream did not end with [DONE] or message_stop: ${body.slice(-300)}`);
  if (text !== expectedText)
    throw new Error(`streamed text differs from the recording: ${JSON.stringify(text)}`);
}
