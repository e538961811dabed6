import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { text } from "node:stream/consumers";
import { describe, it } from "node:test";
import { toBlobKey } from "./blob-store.ts";
import { createLocalBlobStore } from "./local-blob-store.ts";

describe("blob keys", () => {
  it("accept plain segments and refuse anything that could leave the root", () => {
    assert.equal(toBlobKey("jobs", "acct_1", "job_1", "out.v2.mp4"), "jobs/acct_1/job_1/out.v2.mp4");
    for (const segment of ["..", ".", ".hidden", "a/b", "a\\b", "", "a b", "é", "x".repeat(256), "a\nb"]) {
      assert.throws(() => toBlobKey("files", segment), /unsafe/, JSON.stringify(segment));
    }
  });
});

describe("local blob store", () => {
  it("moves staged files in, serves, sizes and deletes them, and refuses unsafe keys", async () => {
    const root = await mkdtemp(join(tmpdir(), "aig-blobs-"));
    try {
      const store = await createLocalBlobStore(join(root, "files"));
      const staged = join(store.stagingDirectory, "upload");
      await writeFile(staged, "hello blob");
      await store.putFile("jobs/acct/job_1/out.txt", staged, { bytes: 10, contentType: "text/plain" });
      await assert.rejects(readFile(staged), { code: "ENOENT" });
      assert.deepEqual(await store.stat("jobs/acct/job_1/out.txt"), { bytes: 10 });
      const blob = await store.get("jobs/acct/job_1/out.txt");
      assert.ok(blob);
      assert.equal(blob.bytes, 10);
      assert.equal(await text(blob.body), "hello blob");
      await store.delete("jobs/acct/job_1/out.txt");
      await store.delete("jobs/acct/job_1/out.txt");
      assert.equal(await store.get("jobs/acct/job_1/out.txt"), undefined);
      assert.equal(await store.stat("jobs/acct/job_1/out.txt"), undefined);
      await assert.rejects(store.get("../outside"), /unsafe/);
      await assert.rejects(store.putFile("files/../../x", staged, { bytes: 0, contentType: "" }), /unsafe/);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
