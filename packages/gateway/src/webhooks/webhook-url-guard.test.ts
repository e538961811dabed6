import assert from "node:assert/strict";
import type { LookupAddress } from "node:dns";
import { test } from "node:test";
import { GatewayError } from "@aigateway/protocol";
import { createWebhookUrlGuard, type ResolveHost } from "./webhook-url-guard.ts";

const answers: Record<string, LookupAddress[]> = {
  "public.test": [
    { address: "93.184.216.34", family: 4 },
    { address: "2606:2800:220:1::1", family: 6 },
  ],
  "mixed.test": [
    { address: "93.184.216.34", family: 4 },
    { address: "10.0.0.7", family: 4 },
  ],
  "metadata.test": [{ address: "169.254.169.254", family: 4 }],
};
const resolveHost: ResolveHost = async (hostname) => {
  const found = answers[hostname];
  if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
  return found;
};

const guard = createWebhookUrlGuard({ allowPrivate: false, resolveHost });
const permissive = createWebhookUrlGuard({ allowPrivate: true, resolveHost });

async function refusal(url: string): Promise<string> {
  try {
    await guard.checkUrl(url, "url");
  } catch (error) {
    assert.ok(error instanceof GatewayError);
    return error.message;
  }
  return "accepted";
}

test("checkUrl accepts public http(s) URLs and normalises them", async () => {
  assert.equal(await guard.checkUrl("https://public.test/hook?x=1", "url"), "https://public.test/hook?x=1");
  assert.equal(await guard.checkUrl("HTTP://PUBLIC.test:8443", "url"), "http://public.test:8443/");
  assert.equal(await guard.checkUrl("https://8.8.8.8/hook", "url"), "https://8.8.8.8/hook");
});

test("checkUrl refuses a host with any private address, unresolvable hosts and odd URLs", async () => {
  assert.match(
    await refusal("https://mixed.test/"),
    /mixed\.test resolves to 10\.0\.0\.7, a private address/,
  );
  assert.match(await refusal("https://metadata.test/"), /cloud metadata/);
  assert.match(await refusal("http://169.254.169.254/"), /169\.254\.169\.254 is a cloud metadata address/);
  assert.match(await refusal("http://[::1]:8080/"), /::1 is a loopback address/);
  assert.match(await refusal("https://unknown.test/"), /does not resolve/);
  assert.match(await refusal("file:///etc/passwd"), /must use https/);
  assert.match(await refusal("https://a:b@public.test/"), /credentials/);
  assert.match(await refusal("/relative"), /not an absolute URL/);
  assert.match(await refusal(`https://public.test/${"x".repeat(2100)}`), /longer than/);
});

test("with private targets allowed only the URL's shape is checked", async () => {
  assert.equal(await permissive.checkUrl("http://127.0.0.1:9/x", "url"), "http://127.0.0.1:9/x");
  assert.equal(await permissive.checkUrl("http://unknown.test/", "url"), "http://unknown.test/");
  assert.equal(permissive.refuseLiteralHost(new URL("http://10.0.0.1/")), undefined);
  await assert.rejects(permissive.checkUrl("ftp://public.test/", "url"), GatewayError);
});

function lookup(
  chosen: typeof guard,
  hostname: string,
  options: { all?: boolean; family?: number },
): Promise<{ error: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family?: number }> {
  return new Promise((resolve) => {
    chosen.lookup(hostname, options, (error, address, family) =>
      resolve({ error, address, ...(family === undefined ? {} : { family }) }),
    );
  });
}

test("the delivery lookup answers in both of net's shapes and refuses a private answer", async () => {
  const all = await lookup(guard, "public.test", { all: true });
  assert.equal(all.error, null);
  assert.deepEqual(all.address, answers["public.test"]);
  const single = await lookup(guard, "public.test", {});
  assert.deepEqual([single.address, single.family], ["93.184.216.34", 4]);
  const ipv6 = await lookup(guard, "public.test", { family: 6 });
  assert.deepEqual([ipv6.address, ipv6.family], ["2606:2800:220:1::1", 6]);

  const refused = await lookup(guard, "mixed.test", { all: true });
  assert.match(refused.error?.message ?? "", /^refused: mixed\.test resolves to 10\.0\.0\.7/);
  const missing = await lookup(guard, "unknown.test", {});
  assert.equal(missing.error?.code, "ENOTFOUND");
  assert.equal((await lookup(permissive, "mixed.test", { all: true })).error, null);
});
