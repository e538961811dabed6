import { copyFile, mkdir, open, rename, rm, rmdir, stat, unlink } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import { assertSafeBlobKey, type BlobStore } from "./blob-store.ts";

const isMissing = (error: unknown): boolean => (error as NodeJS.ErrnoException).code === "ENOENT";

/** Blobs as files under `root` (AIG_DATA_DIR/files by default). */
export async function createLocalBlobStore(root: string): Promise<BlobStore> {
  const absoluteRoot = resolve(root);
  const stagingDirectory = join(absoluteRoot, ".staging");
  await mkdir(stagingDirectory, { recursive: true });

  // Keys are checked segment by segment already; resolving and comparing with the root is the second
  // lock, so no key can ever reach a path outside it.
  function toPath(key: string): string {
    assertSafeBlobKey(key);
    const path = resolve(absoluteRoot, key);
    if (!path.startsWith(absoluteRoot + sep)) throw new Error(`blob key escapes the store: ${key}`);
    return path;
  }

  return {
    kind: "local",
    stagingDirectory,
    async putFile(key, stagedPath) {
      const path = toPath(key);
      await mkdir(dirname(path), { recursive: true });
      try {
        // Atomic: a reader sees the old bytes or the new ones, never half a file.
        await rename(stagedPath, path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EXDEV") throw error;
        const temporary = `${path}.${process.pid}.partial`;
        await copyFile(stagedPath, temporary);
        await rename(temporary, path);
        await unlink(stagedPath);
      }
    },
    async get(key) {
      try {
        const handle = await open(toPath(key), "r");
        try {
          const { size } = await handle.stat();
          return { body: handle.createReadStream(), bytes: size };
        } catch (error) {
          await handle.close();
          throw error;
        }
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    },
    async stat(key) {
      try {
        return { bytes: (await stat(toPath(key))).size };
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    },
    async delete(key) {
      const path = toPath(key);
      await rm(path, { force: true });
      // Job results get a directory per job; drop it once empty so the tree does not grow forever.
      const parent = dirname(path);
      if (parent !== absoluteRoot) await rmdir(parent).catch(() => undefined);
    },
    async close() {},
  };
}
