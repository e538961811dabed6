// Driver side of the fake upstream: starts bench/fake-upstream-server.ts as a child process and sets
// its "model thinking" delay between cases.
import { request as httpRequest } from "node:http";
import { join } from "node:path";
import { readAnnouncedPort, startServer, type ServerProcess } from "./server-process.ts";
import { repositoryRoot } from "./targets.ts";

export interface FakeUpstream {
  server: ServerProcess;
  port: number;
  /** http://127.0.0.1:<port>/v1, what providers are configured with. */
  baseUrl: string;
  setDelay(milliseconds: number): Promise<void>;
}

export async function startFakeUpstream(): Promise<FakeUpstream> {
  const server = startServer("fake upstream", process.execPath, [
    join(repositoryRoot, "bench/fake-upstream-server.ts"),
  ]);
  const port = await readAnnouncedPort(server);
  return {
    server,
    port,
    baseUrl: `http://127.0.0.1:${port}/v1`,
    setDelay: (milliseconds) =>
      new Promise((resolve, reject) => {
        const outgoing = httpRequest(
          { host: "127.0.0.1", port, method: "PUT", path: `/__bench/delay?ms=${milliseconds}` },
          (response) => {
            response.resume();
            if (response.statusCode === 204) resolve();
            else reject(new Error(`fake upstream refused the delay: ${response.statusCode}`));
          },
        );
        outgoing.on("error", reject);
        outgoing.end();
      }),
  };
}
