import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { buffer } from "node:stream/consumers";

export interface FakeS3Object {
  body: Buffer;
  contentType: string;
}

export interface FakeS3Server {
  endpoint: string;
  bucket: string;
  /** Stored objects by key. */
  objects: Map<string, FakeS3Object>;
  /** "METHOD key" of every request, in order. */
  requests: string[];
  close(): Promise<void>;
}

const notFoundXml = (key: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>${key}</Key></Error>`;

/**
 * Just enough of S3 for the blob store: path-style PutObject, GetObject, HeadObject and DeleteObject
 * on one bucket, without checking signatures. Not a general S3 emulator.
 */
export async function startFakeS3Server(bucket = "aig-test-bucket"): Promise<FakeS3Server> {
  const objects = new Map<string, FakeS3Object>();
  const requests: string[] = [];

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://localhost");
    const prefix = `/${bucket}/`;
    if (!url.pathname.startsWith(prefix)) {
      response.writeHead(404, { "content-type": "application/xml" }).end(notFoundXml(url.pathname));
      return;
    }
    const key = decodeURIComponent(url.pathname.slice(prefix.length));
    requests.push(`${request.method} ${key}`);
    const object = objects.get(key);
    switch (request.method ?? "") {
      case "PUT": {
        const body = await buffer(request);
        if (request.headers["content-length"] !== String(body.length)) {
          response
            .writeHead(400, { "content-type": "application/xml" })
            .end("<Error><Code>BadDigest</Code></Error>");
          return;
        }
        objects.set(key, { body, contentType: request.headers["content-type"] ?? "binary/octet-stream" });
        response.writeHead(200, { etag: `"${body.length}"` }).end();
        return;
      }
      case "GET":
      case "HEAD":
        if (!object) {
          response.writeHead(404, { "content-type": "application/xml" });
          response.end(request.method === "GET" ? notFoundXml(key) : undefined);
          return;
        }
        response.writeHead(200, {
          "content-type": object.contentType,
          "content-length": String(object.body.length),
          etag: `"${object.body.length}"`,
        });
        response.end(request.method === "GET" ? object.body : undefined);
        return;
      case "DELETE":
        objects.delete(key);
        response.writeHead(204).end();
        return;
      default:
        response.writeHead(405).end();
    }
  }

  const server = createServer((request, response) => {
    handle(request, response).catch(() => response.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    objects,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
