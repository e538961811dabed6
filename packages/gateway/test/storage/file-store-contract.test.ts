// The file metadata store contract, run over SQLite always and PostgreSQL when DATABASE_URL is set.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { openPostgresStorage } from "../../src/storage/postgres/open-postgres-storage.ts";
import { openSqliteStorage } from "../../src/storage/sqlite/open-sqlite-storage.ts";
import type { FileRecord, JobFileRecord, Storage } from "../../src/storage/storage.ts";
import { PostgresTestSchemas } from "./postgres-test-schemas.ts";

const file = (id: string, createdAt: number, changes: Partial<FileRecord> = {}): FileRecord => ({
  id,
  accountId: "acct_a",
  filename: `${id}.txt`,
  purpose: "user_data",
  bytes: 3,
  blobKey: `files/acct_a/${id}`,
  createdAt,
  expiresAt: null,
  ...changes,
});

const jobFile = (changes: Partial<JobFileRecord> = {}): JobFileRecord => ({
  accountId: "acct_a",
  jobId: "job_1",
  filename: "out.mp4",
  blobKey: "jobs/acct_a/job_1/out.mp4",
  bytes: 10,
  contentType: "video/mp4",
  createdAt: 1_000,
  expiresAt: 5_000,
  ...changes,
});

const databaseUrl = process.env.DATABASE_URL;
const backends: {
  name: string;
  skip: string | false;
  open: (schemas: PostgresTestSchemas) => Promise<Storage>;
}[] = [
  { name: "SQLite", skip: false, open: async () => openSqliteStorage(":memory:") },
  {
    name: "PostgreSQL",
    skip: databaseUrl ? false : "DATABASE_URL not set: PostgreSQL file store tests skipped",
    open: async (schemas) => openPostgresStorage(await schemas.create(), { maxConnections: 2 }),
  },
];

for (const backend of backends) {
  describe(`file store on ${backend.name}`, { skip: backend.skip }, () => {
    const schemas = new PostgresTestSchemas(databaseUrl ?? "");
    const opened: Storage[] = [];
    async function open(): Promise<Storage> {
      const storage = await backend.open(schemas);
      opened.push(storage);
      return storage;
    }
    after(async () => {
      for (const storage of opened) await storage.close();
      await schemas.dropAll();
    });

    it("pages files by (created_at, id) in both orders, per account and purpose", async () => {
      const { files } = await open();
      // Same millisecond for b and c: the id breaks the tie, so a cursor never skips or repeats.
      for (const record of [
        file("file-a", 1),
        file("file-c", 2),
        file("file-b", 2),
        file("file-d", 3, { purpose: "batch" }),
        file("file-z", 4, { accountId: "acct_b", blobKey: "files/acct_b/file-z" }),
      ]) {
        await files.insertFile(record);
      }
      const list = async (order: "asc" | "desc", after?: FileRecord, purpose?: string) =>
        (
          await files.listFiles("acct_a", {
            purpose,
            limit: 2,
            order,
            after: after ? { createdAt: after.createdAt, id: after.id } : undefined,
          })
        ).map((record) => record.id);
      assert.deepEqual(await list("desc"), ["file-d", "file-c"]);
      assert.deepEqual(await list("desc", file("file-c", 2)), ["file-b", "file-a"]);
      assert.deepEqual(await list("asc"), ["file-a", "file-b"]);
      assert.deepEqual(await list("asc", file("file-b", 2)), ["file-c", "file-d"]);
      assert.deepEqual(await list("desc", undefined, "batch"), ["file-d"]);
      assert.deepEqual(await files.findFile("acct_a", "file-b"), file("file-b", 2));
      assert.equal(await files.findFile("acct_b", "file-b"), undefined);
      assert.equal(await files.deleteFile("acct_b", "file-b"), false);
      assert.equal(await files.deleteFile("acct_a", "file-b"), true);
      assert.equal(await files.findFile("acct_a", "file-b"), undefined);
    });

    it("lists expired files and job files, oldest expiry first", async () => {
      const { files } = await open();
      await files.insertFile(file("file-late", 1, { expiresAt: 300 }));
      await files.insertFile(file("file-early", 1, { expiresAt: 200 }));
      await files.insertFile(file("file-kept", 1));
      assert.deepEqual(
        (await files.listExpiredFiles(300, 10)).map((record) => record.id),
        ["file-early", "file-late"],
      );
      assert.deepEqual(
        (await files.listExpiredFiles(250, 10)).map((record) => record.id),
        ["file-early"],
      );
      await files.upsertJobFile(jobFile());
      await files.upsertJobFile(jobFile({ filename: "kept.txt", expiresAt: null }));
      assert.deepEqual(await files.listExpiredJobFiles(4_999, 10), []);
      assert.deepEqual(await files.listExpiredJobFiles(5_000, 10), [jobFile()]);
    });

    it("replaces a job file on upsert and finds a path across accounts", async () => {
      const { files } = await open();
      await files.upsertJobFile(jobFile());
      await files.upsertJobFile(
        jobFile({ bytes: 20, contentType: "video/webm", createdAt: 2_000, expiresAt: 9_000 }),
      );
      await files.upsertJobFile(jobFile({ accountId: "acct_b", blobKey: "jobs/acct_b/job_1/out.mp4" }));
      assert.deepEqual(
        await files.findJobFile("acct_a", "job_1", "out.mp4"),
        jobFile({ bytes: 20, contentType: "video/webm", createdAt: 2_000, expiresAt: 9_000 }),
      );
      assert.deepEqual(
        (await files.findJobFilesByPath("job_1", "out.mp4")).map((record) => record.accountId).sort(),
        ["acct_a", "acct_b"],
      );
      assert.equal(await files.deleteJobFile("acct_a", "job_1", "out.mp4"), true);
      assert.equal(await files.deleteJobFile("acct_a", "job_1", "out.mp4"), false);
      assert.equal(await files.findJobFile("acct_a", "job_1", "out.mp4"), undefined);
    });

    it("keeps the first signing key stored under an id, also when two replicas race", async () => {
      const first = await open();
      const [one, two] = await Promise.all([
        first.files.ensureSigningKey({ id: "generated", secret: "secret-one", createdAt: 1 }),
        first.files.ensureSigningKey({ id: "generated", secret: "secret-two", createdAt: 2 }),
      ]);
      assert.deepEqual(one, two);
      assert.deepEqual(
        await first.files.ensureSigningKey({ id: "generated", secret: "other", createdAt: 3 }),
        one,
      );
    });
  });
}
