import { DatabaseSync, type SQLInputValue } from "node:sqlite";
import {
  orderByReferences,
  type TableTarget,
  type TransferRow,
  type TransferValue,
} from "./table-transfer.ts";

const internalTables = new Set(["schema_migrations", "sqlite_sequence"]);
const quote = (identifier: string): string => `"${identifier.replaceAll('"', '""')}"`;

/** Both a source and a target: an already migrated SQLite database file. */
export function openSqliteTableTransfer(path: string): TableTarget & {
  readRows(table: string): AsyncIterable<TransferRow[]>;
} {
  const database = new DatabaseSync(path);
  return {
    kind: "sqlite",
    async migrationVersions() {
      return database
        .prepare("SELECT version FROM schema_migrations ORDER BY version")
        .all()
        .map((row) => Number(row.version));
    },
    async listTables() {
      const tables = database
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .all()
        .map((row) => String(row.name))
        .filter((name) => !internalTables.has(name));
      const references = new Map(
        tables.map((table) => [
          table,
          database
            .prepare(`SELECT "table" AS referenced FROM pragma_foreign_key_list(?)`)
            .all(table)
            .map((row) => String(row.referenced)),
        ]),
      );
      return orderByReferences(tables, references);
    },
    async *readRows(table) {
      // rowid order keeps AUTOINCREMENT ids ascending; a page at a time bounds memory.
      const page = database.prepare(
        `SELECT rowid AS __rowid, * FROM ${quote(table)} WHERE rowid > ? ORDER BY rowid LIMIT 1000`,
      );
      let after = 0;
      for (;;) {
        const rows = page.all(after);
        if (rows.length === 0) return;
        after = Number(rows.at(-1)?.__rowid);
        yield rows.map((row) => {
          const { __rowid: _rowid, ...rest } = row;
          return rest as TransferRow;
        });
      }
    },
    async hasData() {
      return Number(database.prepare("SELECT COUNT(*) AS count FROM accounts").get()?.count ?? 0) > 0;
    },
    async writeRows(table, rows) {
      const first = rows[0];
      if (!first) return;
      const columns = Object.keys(first);
      const insert = database.prepare(
        `INSERT INTO ${quote(table)} (${columns.map(quote).join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`,
      );
      database.exec("BEGIN");
      try {
        for (const row of rows) insert.run(...columns.map((column) => toSqlite(row[column] ?? null)));
        database.exec("COMMIT");
      } catch (error) {
        database.exec("ROLLBACK");
        throw error;
      }
    },
    async finish() {},
    async close() {
      if (database.isOpen) database.close();
    },
  };
}

function toSqlite(value: TransferValue): SQLInputValue {
  if (typeof value === "boolean") return value ? 1 : 0;
  return value;
}
