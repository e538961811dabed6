// `aigateway export` and `aigateway import`: move every table between SQLite and PostgreSQL through a
// JSON-lines dump (one header line, then {"table","row"} lines), e.g. when outgrowing one machine.
import { once } from "node:events";
import { createReadStream, createWriteStream } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import type { GatewayConfig } from "../config/load-config.ts";
import { createPostgresPool } from "../storage/postgres/create-postgres-pool.ts";
import { openStorage } from "../storage/open-storage.ts";
import { openPostgresTableTransfer } from "../storage/transfer/postgres-table-transfer.ts";
import { openSqliteTableTransfer } from "../storage/transfer/sqlite-table-transfer.ts";
import type { DumpHeader, TableTarget, TransferRow } from "../storage/transfer/table-transfer.ts";

const batchSize = 500;

/** The configured database, migrated to this release's schema first. */
async function openConfiguredTransfer(config: GatewayConfig) {
  const sqlitePath = join(config.dataDir, "aigateway.db");
  await (await openStorage({ databaseUrl: config.databaseUrl, sqlitePath, maxConnections: 2 })).close();
  return config.databaseUrl
    ? openPostgresTableTransfer(createPostgresPool(config.databaseUrl, { maxConnections: 2 }))
    : openSqliteTableTransfer(sqlitePath);
}

function readPathOption(args: readonly string[], flag: string): string | undefined {
  const index = args.indexOf(flag);
  return index === -1 ? undefined : args[index + 1];
}

async function writeLine(output: Writable, line: string): Promise<void> {
  if (!output.write(`${line}\n`)) await once(output, "drain");
}

/** Writes the dump to `--out <file>` or stdout; returns a summary line for stderr. */
export async function runExportCommand(
  config: GatewayConfig,
  args: readonly string[],
  stdout: Writable,
): Promise<string> {
  const path = readPathOption(args, "--out");
  const output = path ? createWriteStream(path) : stdout;
  const source = await openConfiguredTransfer(config);
  const counts: Record<string, number> = {};
  try {
    const header: DumpHeader = {
      format: "aigateway-dump",
      version: 1,
      source: source.kind,
      migrations: await source.migrationVersions(),
      created_at: new Date().toISOString(),
    };
    await writeLine(output, JSON.stringify(header));
    for (const table of await source.listTables()) {
      counts[table] = 0;
      for await (const rows of source.readRows(table)) {
        for (const row of rows) await writeLine(output, JSON.stringify({ table, row }));
        counts[table] += rows.length;
      }
    }
  } finally {
    await source.close();
    if (path) {
      output.end();
      await once(output, "finish");
    }
  }
  return `exported ${Object.entries(counts)
    .map(([table, count]) => `${table}=${count}`)
    .join(" ")}`;
}

/** Reads a dump from `--in <file>` or stdin into the configured database, which must be empty. */
export async function runImportCommand(
  config: GatewayConfig,
  args: readonly string[],
  stdin: Readable,
): Promise<string> {
  const path = readPathOption(args, "--in");
  const input = path ? createReadStream(path) : stdin;
  const target: TableTarget = await openConfiguredTransfer(config);
  const counts: Record<string, number> = {};
  try {
    if (await target.hasData()) {
      throw new Error("the target database already holds accounts; import only into a fresh database");
    }
    const known = new Set(await target.migrationVersions());
    const tables = new Set(await target.listTables());
    let header: DumpHeader | undefined;
    let table = "";
    let batch: TransferRow[] = [];
    const flush = async (): Promise<void> => {
      await target.writeRows(table, batch);
      counts[table] = (counts[table] ?? 0) + batch.length;
      batch = [];
    };
    for await (const line of createInterface({ input, crlfDelay: Infinity })) {
      if (!line.trim()) continue;
      if (!header) {
        header = JSON.parse(line) as DumpHeader;
        if (header.format !== "aigateway-dump" || header.version !== 1)
          throw new Error("not an aigateway dump");
        const missing = header.migrations.filter((version) => !known.has(version));
        if (missing.length > 0) {
          throw new Error(
            `the dump comes from a newer schema (migrations ${missing.join(", ")}); upgrade first`,
          );
        }
        continue;
      }
      const entry = JSON.parse(line) as { table: string; row: TransferRow };
      if (!tables.has(entry.table))
        throw new Error(`the dump has a table this release does not know: ${entry.table}`);
      if (entry.table !== table || batch.length >= batchSize) {
        if (batch.length > 0) await flush();
        table = entry.table;
      }
      batch.push(entry.row);
    }
    if (!header) throw new Error("the dump is empty");
    if (batch.length > 0) await flush();
    await target.finish();
  } finally {
    await target.close();
  }
  return `imported ${Object.entries(counts)
    .map(([name, count]) => `${name}=${count}`)
    .join(" ")}`;
}
