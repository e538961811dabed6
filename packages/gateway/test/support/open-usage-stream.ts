/** Follows `GET /v1/usage/stream` like `aig tail`: resolves once listening, then yields each row. */
export interface UsageStream {
  next(): Promise<{ request_id: string; tag: string | null; cost_nanodollars: number }>;
  close(): void;
}

export async function openUsageStream(baseUrl: string, key: string): Promise<UsageStream> {
  const controller = new AbortController();
  const response = await fetch(`${baseUrl}/v1/usage/stream`, {
    headers: { authorization: `Bearer ${key}` },
    signal: controller.signal,
  });
  if (response.status !== 200 || !response.body) throw new Error(`usage stream answered ${response.status}`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  async function nextFrame(): Promise<string> {
    for (;;) {
      const end = buffered.indexOf("\n\n");
      if (end !== -1) {
        const frame = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        return frame;
      }
      const { value, done } = await reader.read();
      if (done) throw new Error("usage stream ended");
      buffered += value;
    }
  }
  // The server writes a comment once it listens: rows stored after this point will arrive.
  while (!(await nextFrame()).startsWith(": listening")) {
    /* skip */
  }
  return {
    async next() {
      for (;;) {
        const frame = await nextFrame();
        if (frame.startsWith("data: "))
          return JSON.parse(frame.slice(6)) as Awaited<ReturnType<UsageStream["next"]>>;
      }
    },
    close: () => controller.abort(),
  };
}
