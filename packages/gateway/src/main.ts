#!/usr/bin/env node
import { ConfigError, loadConfig } from "./config/load-config.ts";
import { runMigrateCommand } from "./commands/migrate-command.ts";
import { runExportCommand, runImportCommand } from "./commands/transfer-command.ts";
import { createGateway } from "./create-gateway.ts";
import { isConfigured } from "./routing/provider-registry.ts";

const usage = `Usage: aigateway [serve]            start the gateway (the default)
       aigateway migrate [--status] apply pending database migrations, or list them
       aigateway export [--out FILE] dump every table of the configured database as JSON lines
       aigateway import [--in FILE]  load a dump into the configured (empty) database`;

function logInfo(message: string, details: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ level: "info", message, ...details }));
}

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`aigateway: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  const [command = "serve", ...args] = process.argv.slice(2);
  if (command === "migrate") {
    console.log(await runMigrateCommand(config, args));
    return;
  }
  if (command === "export" || command === "import") {
    try {
      const summary =
        command === "export"
          ? await runExportCommand(config, args, process.stdout)
          : await runImportCommand(config, args, process.stdin);
      console.error(`aigateway: ${summary}`);
    } catch (error) {
      console.error(`aigateway ${command}: ${(error as Error).message}`);
      process.exit(1);
    }
    return;
  }
  if (command !== "serve") {
    console.error(usage);
    process.exit(2);
  }
  const gateway = await createGateway(config);
  if (gateway.generatedOwnerKey) {
    console.log(
      [
        "",
        "  First start: created the default account and its owner key (shown only this once):",
        "",
        `    ${gateway.generatedOwnerKey}`,
        "",
        "  Only its SHA-256 hash is stored. Set AIG_ADMIN_KEY to choose the owner key yourself.",
        "",
      ].join("\n"),
    );
  }
  const address = await gateway.app.listen({ host: config.host, port: config.port });
  const configured = config.providers.filter(isConfigured);
  logInfo("aigateway listening", {
    address,
    storage: config.databaseUrl ? "postgres" : `sqlite ${config.dataDir}`,
    // Which backend serves each concern: state, shared counters (limits, caps, cache, fan-out), files.
    counters: config.redisUrl ? "redis" : "memory",
    cache: config.redisUrl ? "redis" : "memory",
    files: config.s3 ? `s3 ${config.s3.bucket}` : "local disk",
    providers: configured.map((provider) => provider.id),
  });

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logInfo("shutting down", { signal });
    gateway.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

await main();
