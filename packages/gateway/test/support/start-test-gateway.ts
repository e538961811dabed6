import type { AddressInfo } from "node:net";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { loadConfig } from "../../src/config/load-config.ts";
import { createGateway, type CreateGatewayOptions, type Gateway } from "../../src/create-gateway.ts";

export const testOwnerKey = "sk-aig-test-owner-key-0123456789";

export interface TestGateway {
  baseUrl: string;
  ownerKey: string;
  gateway: Gateway;
  /** An official openai SDK client pointed at the gateway (retries off, so each test sees one answer). */
  openai: OpenAI;
  client(apiKey: string): OpenAI;
  close(): Promise<void>;
}

/** The real gateway on 127.0.0.1:0 with in-memory SQLite; `env` points providers at fakes. */
export async function startTestGateway(
  env: Record<string, string> = {},
  options: Omit<CreateGatewayOptions, "log"> = {},
): Promise<TestGateway> {
  const config = loadConfig(
    { AIG_ADMIN_KEY: testOwnerKey, AIG_USAGE_FLUSH_INTERVAL_MS: "50", ...env },
    mkdtempSync(join(tmpdir(), "aig-test-")),
  );
  const gateway = await createGateway(config, { databasePath: ":memory:", log: () => undefined, ...options });
  await gateway.app.listen({ host: "127.0.0.1", port: 0 });
  const { port } = gateway.app.server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  const client = (apiKey: string): OpenAI => new OpenAI({ apiKey, baseURL: `${baseUrl}/v1`, maxRetries: 0 });
  return {
    baseUrl,
    ownerKey: testOwnerKey,
    gateway,
    openai: client(testOwnerKey),
    client,
    close: () => gateway.close(),
  };
}
