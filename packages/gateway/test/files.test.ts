// Files, job results and signed URLs as a user sees them through the official openai SDK, over
// SQLite always and PostgreSQL when DATABASE_URL is set; blobs on local disk and on a fake S3.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { after, before, describe, it } from "node:test";
import OpenAI, { APIError, toFile } from "openai";
import { loadConfig } from "../src/config/load-config.ts";
import { createGateway, type Gateway } from "../src/create-gateway.ts";
import { startFakeS3Server, type FakeS3Server } from "./support/fake-s3-server.ts";
import { PostgresTestSchemas } from "./storage/postgres-test-schemas.ts";

const ownerKey = "sk-aig-files-owner-key-0123456789";
const oldSecret = "old-signing-secret-0123456789abcdef";
const newSecret = "new-signing-secret-0123456789abcdef";
const day = 86_400_000;

interface Clock {
  now: number;
}

/** Where a gateway keeps its state, so a restarted gateway sees the same files. */
interface Site {
  cwd: string;
  databaseUrl: string | undefined;
}

interface RunningGateway {
  baseUrl: string;
  gateway: Gateway;
  openai: OpenAI;
  client(apiKey: string): OpenAI;
  close(): Promise<void>;
}

async function startGateway(site: Site, clock: Clock, env: Record<string, string>): Promise<RunningGateway> {
  const config = loadConfig(
    {
      AIG_ADMIN_KEY: ownerKey,
      AIG_USAGE_FLUSH_INTERVAL_MS: "50",
      ...(site.databaseUrl ? { DATABASE_URL: site.databaseUrl } : {}),
      ...env,
    },
    site.cwd,
  );
  const gateway = await createGateway(config, {
    databasePath: join(site.cwd, "gateway.db"),
    log: process.env.AIG_TEST_LOG ? (message, details) => console.error(message, details) : () => undefined,
    now: () => clock.now,
  });
  await gateway.app.listen({ host: "127.0.0.1", port: 0 });
  const { port } = gateway.app.server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  const client = (apiKey: string) => new OpenAI({ apiKey, baseURL: `${baseUrl}/v1`, maxRetries: 0 });
  return { baseUrl, gateway, openai: client(ownerKey), client, close: () => gateway.close() };
}

async function apiError(promise: Promise<unknown>): Promise<APIError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof APIError) return error;
    throw error;
  }
  assert.fail("expected the SDK to raise an APIError");
}

function batchLine(customId: string): string {
  return JSON.stringify({
    custom_id: customId,
    method: "POST",
    url: "/v1/chat/completions",
    body: { model: "aigateway/echo", messages: [{ role: "user", content: customId }] },
  });
}

async function mintSecondAccountKey(gateway: Gateway): Promise<string> {
  await gateway.storage.accounts.insertAccount({ id: "acct_second", name: "second", createdAt: Date.now() });
  return (await gateway.keys.mintKey("acct_second", "second owner", "owner")).plaintext;
}

const postgresUrl = process.env.DATABASE_URL;
const backends = [
  { name: "SQLite", skip: false as const },
  {
    name: "PostgreSQL",
    skip: postgresUrl ? (false as const) : "DATABASE_URL not set: PostgreSQL file tests skipped",
  },
];

for (const backend of backends) {
  describe(`files on ${backend.name}`, { skip: backend.skip }, () => {
    const schemas = new PostgresTestSchemas(postgresUrl ?? "");
    const clock: Clock = { now: Date.parse("2026-05-01T00:00:00Z") };
    let site: Site;
    let running: RunningGateway;
    let openai: OpenAI;

    before(async () => {
      site = {
        cwd: mkdtempSync(join(tmpdir(), "aig-files-")),
        databaseUrl: backend.name === "PostgreSQL" ? await schemas.create() : undefined,
      };
      running = await startGateway(site, clock, {
        AIG_FILE_MAX_BYTES: "4096",
        AIG_SIGNING_KEYS: `old:${oldSecret}`,
      });
      openai = running.openai;
    });
    after(async () => {
      await running.close();
      await schemas.dropAll();
    });

    it("uploads, retrieves, downloads and deletes a file with the SDK", async () => {
      const created = await openai.files.create({
        file: await toFile(Buffer.from("hello files"), "notes.txt"),
        purpose: "assistants",
      });
      assert.match(created.id, /^file-[\w-]{20,}$/);
      assert.deepEqual(created, {
        id: created.id,
        object: "file",
        bytes: 11,
        created_at: Math.floor(clock.now / 1000),
        filename: "notes.txt",
        purpose: "assistants",
        status: "processed",
      });
      assert.deepEqual(await openai.files.retrieve(created.id), created);

      const content = await openai.files.content(created.id);
      assert.equal(content.headers.get("content-type"), "application/octet-stream");
      assert.equal(await content.text(), "hello files");

      assert.deepEqual(await openai.files.delete(created.id), {
        id: created.id,
        object: "file",
        deleted: true,
      });
      for (const call of [
        () => openai.files.retrieve(created.id),
        () => openai.files.content(created.id),
        () => openai.files.delete(created.id),
      ]) {
        const error = await apiError(call());
        assert.equal(error.status, 404);
        assert.equal(error.type, "not_found_error");
      }
    });

    it("lists newest first, filters by purpose and pages with limit and after", async () => {
      const ids: string[] = [];
      for (const [index, purpose] of (["user_data", "vision", "user_data", "user_data"] as const).entries()) {
        clock.now += 1000;
        const file = await openai.files.create({
          file: await toFile(Buffer.from(`f${index}`), `f${index}.txt`),
          purpose,
        });
        ids.push(file.id);
      }
      const page = await openai.files.list({ purpose: "user_data", limit: 2 });
      assert.deepEqual(
        page.data.map((file) => file.id),
        [ids[3], ids[2]],
      );
      assert.equal(page.has_more, true);
      const everyUserDataFile: string[] = [];
      for await (const file of openai.files.list({ purpose: "user_data", limit: 1 }))
        everyUserDataFile.push(file.id);
      assert.deepEqual(everyUserDataFile, [ids[3], ids[2], ids[0]]);
      const ascending = await openai.files.list({ order: "asc", limit: 10 });
      assert.deepEqual(
        ascending.data.map((file) => file.id),
        ids,
      );
      const error = await apiError(openai.files.list({ after: "file-unknown" }));
      assert.equal(error.status, 400);
      assert.equal(error.param, "after");
      assert.equal((await apiError(openai.files.list({ limit: 0 }))).param, "limit");
    });

    it("validates batch JSONL and names the bad line", async () => {
      const good = await openai.files.create({
        file: await toFile(Buffer.from(`${batchLine("a")}\n${batchLine("b")}\n`), "batch.jsonl"),
        purpose: "batch",
      });
      assert.equal(good.purpose, "batch");
      const error = await apiError(
        openai.files.create({
          file: await toFile(
            Buffer.from(`${batchLine("a")}\n{"custom_id":"b","method":"POST"}\n`),
            "bad.jsonl",
          ),
          purpose: "batch",
        }),
      );
      assert.equal(error.status, 400);
      assert.equal(error.param, "file");
      assert.match(error.message, /line 2 has url undefined/);
    });

    it("refuses a missing or unknown purpose, a missing file and a non-multipart body", async () => {
      const unknown = await apiError(
        openai.files.create({ file: await toFile(Buffer.from("x"), "x.txt"), purpose: "fun" as "batch" }),
      );
      assert.equal(unknown.status, 400);
      assert.equal(unknown.param, "purpose");
      assert.match(unknown.message, /'fun' is not a valid purpose/);

      const post = (body: FormData | string, contentType?: string) =>
        fetch(`${running.baseUrl}/v1/files`, {
          method: "POST",
          headers: {
            authorization: `Bearer ${ownerKey}`,
            ...(contentType ? { "content-type": contentType } : {}),
          },
          body,
        });
      const noPurpose = new FormData();
      noPurpose.append("file", new Blob(["x"]), "x.txt");
      const noFile = new FormData();
      noFile.append("purpose", "batch");
      for (const [response, param] of [
        [await post(noPurpose), "purpose"],
        [await post(noFile), "file"],
        [await post('{"purpose":"batch"}', "application/json"), "file"],
      ] as const) {
        assert.equal(response.status, 400);
        const body = (await response.json()) as { error: { param: string; type: string } };
        assert.equal(body.error.param, param);
        assert.equal(body.error.type, "invalid_request_error");
      }
    });

    it("answers 413 past the size limit and keeps nothing of the upload", async () => {
      const before = (await openai.files.list({ limit: 100 })).data.length;
      // Just over the limit (the body is read and the overflow counted) and far over it (refused from
      // Content-Length before reading).
      for (const size of [4097, 3 * 1024 * 1024]) {
        const error = await apiError(
          openai.files.create({
            file: await toFile(Buffer.alloc(size, 120), "big.bin"),
            purpose: "user_data",
          }),
        );
        assert.equal(error.status, 413);
        assert.equal(error.type, "payload_too_large");
        assert.match(error.message, /4 KiB/);
      }
      const exactly = await openai.files.create({
        file: await toFile(Buffer.alloc(4096, 120), "exact.bin"),
        purpose: "user_data",
      });
      assert.equal(exactly.bytes, 4096);
      assert.equal((await openai.files.list({ limit: 100 })).data.length, before + 1);
      assert.deepEqual(await readdir(join(site.cwd, "data", "files", ".staging")), []);
    });

    it("keeps accounts apart", async () => {
      const mine = await openai.files.create({
        file: await toFile(Buffer.from("mine"), "mine.txt"),
        purpose: "user_data",
      });
      await running.gateway.files.saveJobResult(
        "acct_default",
        "job_private",
        "out.txt",
        Readable.from(["private"]),
        "text/plain",
      );
      const other = running.client(await mintSecondAccountKey(running.gateway));
      for (const call of [
        () => other.files.retrieve(mine.id),
        () => other.files.content(mine.id),
        () => other.files.delete(mine.id),
        () => other.get("/files/jobs/job_private/out.txt"),
        () => other.get("/files/jobs/job_private/out.txt/signed"),
      ]) {
        assert.equal((await apiError(call())).status, 404);
      }
      assert.deepEqual((await other.files.list()).data, []);
      const theirs = await other.files.create({
        file: await toFile(Buffer.from("theirs"), "t.txt"),
        purpose: "user_data",
      });
      assert.equal((await apiError(openai.files.retrieve(theirs.id))).status, 404);
      assert.equal((await openai.files.retrieve(mine.id)).id, mine.id);
    });

    it("serves job results to their account and through signed URLs", async () => {
      const saved = await running.gateway.files.saveJobResult(
        "acct_default",
        "job_video1",
        "clip.mp4",
        Readable.from([Buffer.from("frame1"), Buffer.from("frame2")]),
        "video/mp4",
      );
      assert.equal(saved.bytes, 12);
      await running.gateway.files.saveJobResult(
        "acct_default",
        "job_video1",
        "poster.jpg",
        Readable.from(["jpg"]),
        "image/jpeg",
      );

      const direct = await fetch(`${running.baseUrl}/v1/files/jobs/job_video1/clip.mp4`, {
        headers: { authorization: `Bearer ${ownerKey}` },
      });
      assert.equal(direct.status, 200);
      assert.equal(direct.headers.get("content-type"), "video/mp4");
      assert.equal(await direct.text(), "frame1frame2");
      assert.equal((await fetch(`${running.baseUrl}/v1/files/jobs/job_video1/clip.mp4`)).status, 401);

      const signed = await openai.get<{ url: string; expires_at: number }>(
        "/files/jobs/job_video1/clip.mp4/signed",
        { query: { expires_in: 600 } },
      );
      assert.equal(signed.expires_at, Math.floor(clock.now / 1000) + 600);
      const url = new URL(signed.url);
      assert.equal(url.origin, running.baseUrl);
      assert.equal(url.pathname, "/v1/files/jobs/job_video1/clip.mp4/public");
      assert.equal(url.searchParams.get("k"), "old");

      const publicResponse = await fetch(signed.url);
      assert.equal(publicResponse.status, 200);
      assert.equal(publicResponse.headers.get("content-type"), "video/mp4");
      assert.equal(await publicResponse.text(), "frame1frame2");

      const withQuery = (changes: Record<string, string | null>, pathname = url.pathname) => {
        const changed = new URL(pathname, url);
        changed.search = url.search;
        for (const [name, value] of Object.entries(changes)) {
          if (value === null) changed.searchParams.delete(name);
          else changed.searchParams.set(name, value);
        }
        return fetch(changed);
      };
      const token = url.searchParams.get("token") ?? "";
      const tampered = `${token.slice(0, -2)}${token.endsWith("AA") ? "BB" : "AA"}`;
      const expectations: [Promise<Response>, number, string][] = [
        [withQuery({ token: tampered }), 403, "permission_error"],
        [withQuery({ exp: String(signed.expires_at + 60) }), 403, "permission_error"],
        [withQuery({ k: "retired" }), 403, "permission_error"],
        [withQuery({}, "/v1/files/jobs/job_video1/poster.jpg/public"), 403, "permission_error"],
        [withQuery({ exp: null }), 400, "invalid_request_error"],
        [withQuery({ token: "not a token" }), 400, "invalid_request_error"],
        [withQuery({}, "/v1/files/jobs/job_missing/clip.mp4/public"), 404, "not_found_error"],
      ];
      for (const [responsePromise, status, type] of expectations) {
        const response = await responsePromise;
        assert.equal(response.status, status, response.url);
        assert.equal(((await response.json()) as { error: { type: string } }).error.type, type);
      }

      for (const expiresIn of [59, 604_801, "soon"]) {
        const error = await apiError(
          openai.get("/files/jobs/job_video1/clip.mp4/signed", { query: { expires_in: expiresIn } }),
        );
        assert.equal(error.status, 400);
        assert.equal(error.param, "expires_in");
      }
      const defaultExpiry = await openai.get<{ expires_at: number }>(
        "/files/jobs/job_video1/clip.mp4/signed",
      );
      assert.equal(defaultExpiry.expires_at, Math.floor(clock.now / 1000) + 3600);

      clock.now += 601_000;
      const expired = await fetch(signed.url);
      assert.equal(expired.status, 400);
      assert.match(((await expired.json()) as { error: { message: string } }).error.message, /expired/);
    });

    it("deletes job results after the retention period, and expiring files after their expiry", async () => {
      await running.gateway.files.saveJobResult(
        "acct_default",
        "job_old",
        "result.txt",
        Readable.from(["old"]),
        "text/plain",
      );
      const expiring = await openai.files.create({
        file: await toFile(Buffer.from("short-lived"), "short.txt"),
        purpose: "user_data",
        expires_after: { anchor: "created_at", seconds: 3600 },
      });
      assert.equal(expiring.expires_at, expiring.created_at + 3600);
      const blobPath = join(site.cwd, "data", "files", "jobs", "acct_default", "job_old", "result.txt");
      assert.ok(await stat(blobPath));

      clock.now += 3601_000;
      assert.equal((await apiError(openai.files.retrieve(expiring.id))).status, 404);
      assert.ok(!(await openai.files.list({ limit: 100 })).data.some((file) => file.id === expiring.id));
      assert.equal(
        (await openai.get<Response>("/files/jobs/job_old/result.txt", { __binaryResponse: true })).status,
        200,
      );

      clock.now += 7 * day;
      // Refused as soon as it expires, whether or not the sweeper has run yet.
      assert.equal((await apiError(openai.get("/files/jobs/job_old/result.txt"))).status, 404);
      const swept = await running.gateway.files.sweepExpired();
      assert.ok(swept.files >= 1 && swept.jobFiles >= 1, JSON.stringify(swept));
      await assert.rejects(stat(blobPath), { code: "ENOENT" });
      assert.equal(
        await running.gateway.storage.files.findJobFile("acct_default", "job_old", "result.txt"),
        undefined,
      );
      assert.deepEqual(await running.gateway.files.sweepExpired(), { files: 0, jobFiles: 0 });
    });

    it("keeps URLs signed by a rotated-out key working while that key is still listed", async () => {
      await running.gateway.files.saveJobResult(
        "acct_default",
        "job_rotate",
        "a.txt",
        Readable.from(["rotate"]),
        "text/plain",
      );
      const signedByOld = await openai.get<{ url: string }>("/files/jobs/job_rotate/a.txt/signed");
      await running.close();

      running = await startGateway(site, clock, { AIG_SIGNING_KEYS: `new:${newSecret},old:${oldSecret}` });
      openai = running.openai;
      const sameOrigin = (url: string) => {
        const moved = new URL(url);
        return `${running.baseUrl}${moved.pathname}${moved.search}`;
      };
      const stillValid = await fetch(sameOrigin(signedByOld.url));
      assert.equal(stillValid.status, 200);
      assert.equal(await stillValid.text(), "rotate");
      const signedByNew = await openai.get<{ url: string }>("/files/jobs/job_rotate/a.txt/signed");
      assert.equal(new URL(signedByNew.url).searchParams.get("k"), "new");
      assert.equal((await fetch(signedByNew.url)).status, 200);
      await running.close();

      running = await startGateway(site, clock, { AIG_SIGNING_KEYS: `new:${newSecret}` });
      openai = running.openai;
      assert.equal((await fetch(sameOrigin(signedByOld.url))).status, 403);
      assert.equal((await fetch(sameOrigin(signedByNew.url))).status, 200);
    });
  });
}

describe("files on an S3-compatible store", () => {
  const clock: Clock = { now: Date.parse("2026-05-01T00:00:00Z") };
  let s3: FakeS3Server;
  let running: RunningGateway;

  before(async () => {
    s3 = await startFakeS3Server();
    const site = { cwd: mkdtempSync(join(tmpdir(), "aig-files-s3-")), databaseUrl: undefined };
    running = await startGateway(site, clock, {
      AIG_S3_BUCKET: s3.bucket,
      AIG_S3_ENDPOINT: s3.endpoint,
      AIG_S3_REGION: "eu-west-1",
      AWS_ACCESS_KEY_ID: "test-access-key",
      AWS_SECRET_ACCESS_KEY: "test-secret-key",
    });
  });
  after(async () => {
    await running.close();
    await s3.close();
  });

  it("stores uploads and job results in the bucket and serves them back", async () => {
    const { openai } = running;
    const created = await openai.files.create({
      file: await toFile(Buffer.from(`${batchLine("one")}\n`), "in.jsonl"),
      purpose: "batch",
    });
    const key = `files/acct_default/${created.id}`;
    assert.equal(s3.objects.get(key)?.body.toString(), `${batchLine("one")}\n`);
    assert.equal(await (await openai.files.content(created.id)).text(), `${batchLine("one")}\n`);

    await running.gateway.files.saveJobResult(
      "acct_default",
      "job_s3",
      "song.mp3",
      Readable.from(["mp3"]),
      "audio/mpeg",
    );
    assert.equal(s3.objects.get("jobs/acct_default/job_s3/song.mp3")?.contentType, "audio/mpeg");
    const signed = await openai.get<{ url: string }>("/files/jobs/job_s3/song.mp3/signed");
    const publicResponse = await fetch(signed.url);
    assert.equal(publicResponse.headers.get("content-type"), "audio/mpeg");
    assert.equal(await publicResponse.text(), "mp3");

    await openai.files.delete(created.id);
    assert.equal(s3.objects.has(key), false);
    assert.ok(s3.requests.includes(`DELETE ${key}`));
  });
});
