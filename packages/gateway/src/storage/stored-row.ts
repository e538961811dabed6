/**
 * A row as either backend returns it, keyed by column. node:sqlite and pg (with the pool's int8
 * parser) hand back the same value kinds for the columns both schemas share — text, numbers, NULL —
 * so one mapper per record serves both.
 */
export type StoredRow = Record<string, unknown>;

/** What a shared insert binds: both drivers accept these for every shared column. */
export type StoredValue = string | number | null;

export const readText = (value: unknown): string => (typeof value === "string" ? value : "");

export const readNullableText = (value: unknown): string | null => (typeof value === "string" ? value : null);

export const readNullableNumber = (value: unknown): number | null =>
  value === null || value === undefined ? null : Number(value);

/** JSON kept in a TEXT column. */
export const readJson = (value: unknown): unknown =>
  typeof value === "string" ? (JSON.parse(value) as unknown) : null;

export const writeJson = (value: unknown): string | null =>
  value === null || value === undefined ? null : JSON.stringify(value);
