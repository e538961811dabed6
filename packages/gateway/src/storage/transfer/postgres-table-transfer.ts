import type { Pool } from "pg";
import {
  orderByReferences,
  type TableTarget,
  type TransferRow,
  type TransferValue,
} from "./table-transfer.ts";

const quote = (identifier: string): string => `"${identifier.replaceAll('"', '""')}"`;

interface ColumnInfo {
  table_name: string;
  column_name: string;
  data_type: string;
  column_default: string | null;
}

/** Both a source and a target: an already migrated PostgreSQL schema (the pool's search_path). */
export function openPostgresTableTransfer(pool: Pool): TableTarget & {
  readRows(table: string): AsyncIterable<TransferRow[]>;
} {
  let columns: Promise<ColumnInfo[]> | undefined;
  const readColumns = () =>
    (columns ??= pool
      .query<ColumnInfo>(
        `SELECT table_name, column_name, data_type, column_default FROM information_schema.columns
         WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`,
      )
      .then((result) => result.rows));
  const columnsOf = async (table: string) =>
    (await readColumns()).filter((column) => column.table_name === table);

  return {
    kind: "postgres",
    async migrationVersions() {
      const { rows } = await pool.query<{ version: number }>(
        "SELECT version FROM schema_migrations ORDER BY version",
      );
      return rows.map((row) => Number(row.version));
    },
    async listTables() {
      const { rows } = await pool.query<{ name: string }>(
        `SELECT table_name AS name FROM information_schema.tables
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations'`,
      );
      const { rows: links } = await pool.query<{ source: string; target: string }>(
        `SELECT conrelid::regclass::text AS source, confrelid::regclass::text AS target FROM pg_constraint
         WHERE contype = 'f' AND connamespace = current_schema()::regnamespace`,
      );
      const references = new Map<string, string[]>();
      for (const link of links)
        references.set(link.source, [...(references.get(link.source) ?? []), link.target]);
      return orderByReferences(
        rows.map((row) => row.name),
        references,
      );
    },
    async *readRows(table) {
      const json = new Set(
        (await columnsOf(table))
          .filter((column) => column.data_type.startsWith("json"))
          .map((column) => column.column_name),
      );
      // Keyset pages over ctid would be unstable under writes; an export runs against a quiet database,
      // so plain OFFSET pages in physical order are enough.
      for (let offset = 0; ; offset += 1000) {
        const { rows } = await pool.query<Record<string, unknown>>(
          `SELECT * FROM ${quote(table)} ORDER BY ctid LIMIT 1000 OFFSET ${offset}`,
        );
        if (rows.length === 0) return;
        yield rows.map((row) => {
          const converted: TransferRow = {};
          for (const [column, value] of Object.entries(row)) {
            converted[column] =
              json.has(column) && value !== null ? JSON.stringify(value) : (value as TransferValue);
          }
          return converted;
        });
      }
    },
    async hasData() {
      const { rows } = await pool.query<{ present: boolean }>(
        "SELECT EXISTS (SELECT 1 FROM accounts) AS present",
      );
      return rows[0]?.present === true;
    },
    async writeRows(table, rows) {
      const first = rows[0];
      if (!first) return;
      const info = new Map((await columnsOf(table)).map((column) => [column.column_name, column]));
      const names = Object.keys(first).filter((name) => info.has(name));
      const values: unknown[] = [];
      const tuples = rows.map((row) => {
        const placeholders = names.map((name) => {
          values.push(toPostgres(row[name] ?? null, info.get(name)?.data_type ?? "text"));
          const type = info.get(name)?.data_type;
          return `$${values.length}${type?.startsWith("json") ? `::${type}` : ""}`;
        });
        return `(${placeholders.join(", ")})`;
      });
      await pool.query(
        `INSERT INTO ${quote(table)} (${names.map(quote).join(", ")}) VALUES ${tuples.join(", ")}`,
        values,
      );
    },
    async finish() {
      for (const column of await readColumns()) {
        if (!column.column_default?.startsWith("nextval(")) continue;
        await pool.query(
          `SELECT setval(pg_get_serial_sequence($1, $2), GREATEST((SELECT MAX(${quote(column.column_name)}) FROM ${quote(column.table_name)}), 1))`,
          [quote(column.table_name), column.column_name],
        );
      }
    },
    async close() {
      await pool.end();
    },
  };
}

function toPostgres(value: TransferValue, dataType: string): unknown {
  if (dataType === "boolean" && typeof value === "number") return value !== 0;
  return value;
}
