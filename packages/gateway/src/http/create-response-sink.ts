import type { FastifyReply } from "fastify";
import type { StreamSink } from "../chat/stream-sink.ts";

/** A StreamSink over the raw Node response: Fastify steps aside once the stream opens. */
export function createResponseSink(reply: FastifyReply): StreamSink {
  const raw = reply.raw;
  return {
    open(headers) {
      void reply.hijack();
      raw.writeHead(200, {
        ...(reply.getHeaders() as Record<string, string>),
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache",
        "x-accel-buffering": "no",
        ...headers,
      });
    },
    write(frame) {
      if (raw.destroyed || raw.writableEnded) return true;
      return raw.write(frame);
    },
    drain() {
      return new Promise((resolve) => {
        const done = (): void => {
          raw.off("drain", done);
          raw.off("close", done);
          resolve();
        };
        raw.on("drain", done);
        raw.on("close", done);
      });
    },
    end() {
      if (!raw.writableEnded) raw.end();
    },
  };
}
