// Portkey's open-source gateway (Hono on @hono/node-server, global fetch upstream): the nearest Node
// peer. Installed from npm only when asked for (`--portkey`), into a temp directory that later runs
// reuse, never into the repository.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const portkeyPackage = "@portkey-ai/gateway";

export interface PortkeyInstall {
  version: string;
  /** The package's bin (build/start-server.js), run with node directly so its pid is the server's. */
  entry: string;
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (text: string) => (output += text));
    child.stderr.setEncoding("utf8").on("data", (text: string) => (output += text));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`${command} ${args.join(" ")} exited ${code}: ${output.slice(-1500)}`)),
    );
  });
}

function readInstalled(prefix: string): PortkeyInstall | undefined {
  const packageDirectory = join(prefix, "node_modules", portkeyPackage);
  const manifestPath = join(packageDirectory, "package.json");
  if (!existsSync(manifestPath)) return undefined;
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as {
    version: string;
    bin?: string | Record<string, string>;
  };
  const bin = typeof manifest.bin === "string" ? manifest.bin : Object.values(manifest.bin ?? {})[0];
  if (!bin) throw new Error(`${portkeyPackage} has no bin in its package.json`);
  return { version: manifest.version, entry: join(packageDirectory, bin) };
}

export async function installPortkey(log: (line: string) => void): Promise<PortkeyInstall> {
  const prefix = join(tmpdir(), "aigateway-bench-portkey");
  const existing = readInstalled(prefix);
  if (existing) {
    log(`using ${portkeyPackage}@${existing.version} already installed in ${prefix}`);
    return existing;
  }
  mkdirSync(prefix, { recursive: true });
  log(`installing ${portkeyPackage} into ${prefix} …`);
  await run("npm", ["install", "--prefix", prefix, "--no-audit", "--no-fund", portkeyPackage]);
  const installed = readInstalled(prefix);
  if (!installed) throw new Error(`npm install finished but ${portkeyPackage} is not in ${prefix}`);
  return installed;
}
