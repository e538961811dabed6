import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, it } from "node:test";
import { formatByteLimit, stageUpload } from "./stage-upload.ts";

describe("stageUpload", () => {
  it("writes up to the limit and refuses one byte more, leaving nothing behind", async () => {
    const directory = await mkdtemp(join(tmpdir(), "aig-stage-"));
    try {
      const staged = await stageUpload(
        Readable.from([Buffer.from("12345"), Buffer.from("678")]),
        directory,
        8,
      );
      assert.equal(staged.bytes, 8);
      assert.equal(await readFile(staged.path, "utf8"), "12345678");
      await rm(staged.path);

      let drained = false;
      const source = Readable.from([Buffer.from("12345"), Buffer.from("6789"), Buffer.from("tail")]);
      source.on("end", () => (drained = true));
      await assert.rejects(stageUpload(source, directory, 8), { status: 413, param: "file" });
      assert.deepEqual(await readdir(directory), []);
      await new Promise((resolve) => setImmediate(resolve));
      assert.ok(drained, "the rest of the source is drained so the client can read the answer");
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it("states limits in readable units", () => {
    assert.equal(formatByteLimit(512 * 1024 * 1024), "512 MiB");
    assert.equal(formatByteLimit(1000), "1000 bytes");
  });
});
