import { randomBytes } from "node:crypto";
import { Client } from "pg";

const SCHEMA_PREFIX = "aig_test_";

// Each schema is an empty database for one test: tables and schema_migrations land in it through
// search_path, so runs and parallel test files never see each other's rows or migration records.
export class PostgresTestSchemas {
  readonly #databaseUrl: string;
  readonly #created: string[] = [];

  constructor(databaseUrl: string) {
    this.#databaseUrl = databaseUrl;
  }

  /** Creates an empty schema and returns a connection string whose sessions use it. */
  async create(): Promise<string> {
    const schema = `${SCHEMA_PREFIX}${randomBytes(6).toString("hex")}`;
    await this.#run(`CREATE SCHEMA ${schema}`);
    this.#created.push(schema);
    const url = new URL(this.#databaseUrl);
    url.searchParams.set("options", `-c search_path=${schema}`);
    return url.toString();
  }

  async dropAll(): Promise<void> {
    const schemas = this.#created.splice(0);
    if (schemas.length > 0) await this.#run(`DROP SCHEMA IF EXISTS ${schemas.join(", ")} CASCADE`);
  }

  async #run(sql: string): Promise<void> {
    const client = new Client({ connectionString: this.#databaseUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }
}
