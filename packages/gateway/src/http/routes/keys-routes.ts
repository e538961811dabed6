import type { FastifyInstance } from "fastify";
import { GatewayError } from "@aigateway/protocol";
import type { KeyService } from "../../accounts/key-service.ts";
import type { ApiKeyRecord } from "../../storage/storage.ts";
import { requireOwner } from "../middleware/authenticate.ts";
import { createKeySchema } from "../validation/create-key-schema.ts";
import { parseWithSchema } from "../validation/parse-with-schema.ts";

const toSeconds = (milliseconds: number | null): number | null =>
  milliseconds === null ? null : Math.floor(milliseconds / 1000);

function toKeyObject(record: ApiKeyRecord) {
  return {
    id: record.id,
    object: "api_key" as const,
    name: record.name,
    prefix: record.prefix,
    role: record.role,
    created_at: toSeconds(record.createdAt),
    last_used_at: toSeconds(record.lastUsedAt),
    revoked_at: toSeconds(record.revokedAt),
  };
}

function keyNotFound(id: string): GatewayError {
  return new GatewayError("not_found", { param: "id", message: `No key '${id}' in this account.` });
}

/** Key management for the calling account; owner keys only. */
export function registerKeysRoutes(app: FastifyInstance, keys: KeyService): void {
  app.post("/v1/keys", async (request, reply) => {
    const principal = requireOwner(request);
    const body = parseWithSchema(createKeySchema, request.body ?? {});
    const minted = await keys.mintKey(principal.accountId, body.name ?? "api key", body.role ?? "member");
    return reply.code(201).send({ ...toKeyObject(minted.record), key: minted.plaintext });
  });
  app.get("/v1/keys", async (request) => {
    const principal = requireOwner(request);
    await keys.flushKeyUse();
    const records = await keys.listKeys(principal.accountId);
    return { object: "list", data: records.map(toKeyObject) };
  });
  app.delete("/v1/keys/:id", async (request) => {
    const principal = requireOwner(request);
    const { id } = request.params as { id: string };
    const record = await keys.findKey(principal.accountId, id);
    if (!record) throw keyNotFound(id);
    await keys.revokeKey(principal.accountId, id);
    return { id, object: "api_key", deleted: true };
  });
  app.post("/v1/keys/:id/rotate", async (request, reply) => {
    const principal = requireOwner(request);
    const { id } = request.params as { id: string };
    const minted = await keys.rotateKey(principal.accountId, id);
    if (!minted) throw keyNotFound(id);
    return reply.code(201).send({ ...toKeyObject(minted.record), key: minted.plaintext, replaces: id });
  });
}
