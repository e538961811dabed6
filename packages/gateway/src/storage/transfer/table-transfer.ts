// Moving a whole database between backends (SQLite → PostgreSQL when outgrowing one machine, or
// back): every table the migrations created, row by row, in foreign-key order. Values travel as
// JSON-safe scalars; each side converts its own booleans and JSON columns.

export type TransferValue = string | number | boolean | null;
export type TransferRow = Record<string, TransferValue>;

export interface TableSource {
  readonly kind: "sqlite" | "postgres";
  /** Applied migration versions, so an import can refuse a dump from a newer schema. */
  migrationVersions(): Promise<number[]>;
  /** Tables in an order where every table comes after the tables it references. */
  listTables(): Promise<string[]>;
  readRows(table: string): AsyncIterable<TransferRow[]>;
  close(): Promise<void>;
}

export interface TableTarget extends Omit<TableSource, "readRows"> {
  /** True when the database already holds accounts: an import never merges into live data. */
  hasData(): Promise<boolean>;
  writeRows(table: string, rows: readonly TransferRow[]): Promise<void>;
  /** Moves id sequences past the imported ids. */
  finish(): Promise<void>;
}

export interface DumpHeader {
  format: "aigateway-dump";
  version: 1;
  source: "sqlite" | "postgres";
  migrations: number[];
  created_at: string;
}

/** Orders tables so referenced ones come first (the schema has no reference cycles). */
export function orderByReferences(
  tables: readonly string[],
  references: ReadonlyMap<string, readonly string[]>,
): string[] {
  const ordered: string[] = [];
  const visiting = new Set<string>();
  const visit = (table: string): void => {
    if (ordered.includes(table) || visiting.has(table)) return;
    visiting.add(table);
    for (const referenced of references.get(table) ?? []) if (tables.includes(referenced)) visit(referenced);
    visiting.delete(table);
    ordered.push(table);
  };
  for (const table of [...tables].sort()) visit(table);
  return ordered;
}
