import { GatewayError } from "@aigateway/protocol";
import { generateId } from "../accounts/api-key-format.ts";
import type { RequestContext } from "../chat/request-context.ts";
import type { FileService } from "../files/file-service.ts";
import { batchEndpoints } from "../files/validate-batch-jsonl.ts";
import type { BatchRecord, BatchStore } from "../storage/storage.ts";

export interface NewBatch {
  inputFileId: string;
  endpoint: string;
  completionWindow: string;
  metadata: Record<string, string> | null;
}

export interface BatchService {
  create(context: RequestContext, batch: NewBatch): Promise<BatchRecord>;
  get(accountId: string, id: string): Promise<BatchRecord>;
  list(
    accountId: string,
    query: { limit: number; after: string | undefined },
  ): Promise<{
    batches: BatchRecord[];
    hasMore: boolean;
  }>;
  /** validating / in_progress → cancelling; lines already finished are kept in the output. */
  cancel(accountId: string, id: string): Promise<BatchRecord>;
}

export interface BatchServiceOptions {
  store: BatchStore;
  files: FileService;
  now: () => number;
  wake: () => void;
}

const completionWindowMs = 24 * 60 * 60 * 1000;

const notFound = (id: string): GatewayError =>
  new GatewayError("not_found", { param: "batch_id", message: `No such batch: '${id}'.` });

export function createBatchService(options: BatchServiceOptions): BatchService {
  const { store, files, now } = options;

  async function get(accountId: string, id: string): Promise<BatchRecord> {
    const batch = await store.findBatch(accountId, id);
    if (!batch) throw notFound(id);
    return batch;
  }

  return {
    async create(context, input) {
      if (!(batchEndpoints as readonly string[]).includes(input.endpoint)) {
        throw new GatewayError("invalid_request", {
          param: "endpoint",
          message: `endpoint must be one of ${batchEndpoints.join(", ")}.`,
        });
      }
      if (input.completionWindow !== "24h") {
        throw new GatewayError("invalid_request", {
          param: "completion_window",
          message: "completion_window must be '24h'.",
        });
      }
      const file = await files.getFile(context.accountId, input.inputFileId).catch(() => {
        throw new GatewayError("invalid_request", {
          param: "input_file_id",
          message: `No such file: '${input.inputFileId}'. Upload the JSONL with purpose 'batch' first.`,
        });
      });
      if (file.purpose !== "batch") {
        throw new GatewayError("invalid_request", {
          param: "input_file_id",
          message: `File '${file.id}' has purpose '${file.purpose}'; a batch needs a file uploaded with purpose 'batch'.`,
        });
      }
      const at = now();
      const batch: BatchRecord = {
        id: generateId("batch_"),
        accountId: context.accountId,
        keyId: context.keyId,
        tag: context.tag,
        endpoint: input.endpoint,
        inputFileId: file.id,
        completionWindow: input.completionWindow,
        metadata: input.metadata,
        status: "validating",
        errors: null,
        outputFileId: null,
        errorFileId: null,
        total: 0,
        completed: 0,
        failed: 0,
        createdAt: at,
        inProgressAt: null,
        expiresAt: at + completionWindowMs,
        finalizingAt: null,
        completedAt: null,
        failedAt: null,
        expiredAt: null,
        cancellingAt: null,
        cancelledAt: null,
        leaseOwner: null,
        leaseUntil: null,
        eventRecordedAt: null,
      };
      await store.insertBatch(batch);
      options.wake();
      return batch;
    },
    get,
    async list(accountId, query) {
      let after: { createdAt: number; id: string } | undefined;
      if (query.after !== undefined) {
        const cursor = await store.findBatch(accountId, query.after);
        if (!cursor) {
          throw new GatewayError("invalid_request", {
            param: "after",
            message: `No batch '${query.after}' to list after.`,
          });
        }
        after = { createdAt: cursor.createdAt, id: cursor.id };
      }
      const rows = await store.listBatches(accountId, { limit: query.limit + 1, after });
      return { batches: rows.slice(0, query.limit), hasMore: rows.length > query.limit };
    },
    async cancel(accountId, id) {
      const batch = await store.cancelBatch(accountId, id, now());
      if (!batch) throw notFound(id);
      if (batch.status !== "cancelling" && batch.status !== "cancelled") {
        throw new GatewayError("conflict", {
          message: `Batch '${id}' is ${batch.status}; only validating or in-progress batches can be cancelled.`,
        });
      }
      options.wake();
      return batch;
    },
  };
}
