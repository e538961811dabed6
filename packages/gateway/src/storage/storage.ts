// The storage contracts, one per concern. Every backend (SQLite embedded, PostgreSQL scaled out)
// implements all of them and passes the same contract tests. Methods are async so a networked
// backend fits; none of them is awaited on the hot request path except key lookups on a cache miss.

export type KeyRole = "owner" | "member";

export const accountTiers = ["free", "starter", "pro", "business", "agent", "enterprise"] as const;
export type AccountTier = (typeof accountTiers)[number];

/** A tenant, or a sub-account when `parentId` is set (its spend bills to the parent). */
export interface AccountRecord {
  id: string;
  name: string;
  createdAt: number;
  parentId: string | null;
  tier: AccountTier;
  externalRef: string | null;
  /** Monthly hard cap (UTC calendar month) in nanodollars; null for none. */
  spendCapNanodollars: number | null;
  /** Prepaid credit granted in total; the balance is this minus lifetime spend. Null: billed after use. */
  creditNanodollars: number | null;
  /** A stricter per-key RPM than the tier's; never above it. */
  rateLimitRpm: number | null;
  defaultTag: string | null;
  /** Catalog slugs this account's keys may call; null for all. */
  allowedModels: string[] | null;
  deletedAt: number | null;
  updatedAt: number;
}

export type NewAccount = Pick<AccountRecord, "id" | "name" | "createdAt"> & Partial<AccountRecord>;

export type AccountChanges = Partial<
  Pick<
    AccountRecord,
    | "name"
    | "tier"
    | "externalRef"
    | "spendCapNanodollars"
    | "rateLimitRpm"
    | "defaultTag"
    | "allowedModels"
    | "deletedAt"
  >
>;

/** Per-tag hard monthly budget of a (top-level) account. */
export interface BudgetRecord {
  accountId: string;
  tag: string;
  monthlyCapNanodollars: number;
  createdAt: number;
  updatedAt: number;
}

/** Usage summed per (period, billing account, account, tag, model); maintained as rows are inserted. */
export interface UsageRollup {
  granularity: "day" | "month";
  /** "YYYY-MM-DD" or "YYYY-MM", UTC. */
  period: string;
  billingAccountId: string;
  accountId: string;
  /** "" for untagged requests. */
  tag: string;
  model: string;
  requests: number;
  errors: number;
  costNanodollars: number;
  promptTokens: number;
  completionTokens: number;
}

export interface UsageRollupQuery {
  granularity: "day" | "month";
  /** At least one of the two scopes. */
  billingAccountId?: string;
  accountId?: string;
  /** Inclusive bounds in the granularity's format; omitted for unbounded. */
  fromPeriod?: string;
  toPeriod?: string;
}

export interface ApiKeyRecord {
  id: string;
  accountId: string;
  name: string;
  /** The first characters of the plaintext key, safe to show. */
  prefix: string;
  /** SHA-256 hex of the plaintext key; the plaintext is never stored. */
  keyHash: string;
  role: KeyRole;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
  /** Set on a key minted by rotation: the key it replaces, revoked when this one is first used. */
  replacesKeyId: string | null;
}

export interface UsageRecord {
  requestId: string;
  accountId: string | null;
  /** Who pays: the parent of a sub-account, else the account itself. */
  billingAccountId: string | null;
  keyId: string | null;
  tag: string | null;
  endpoint: string;
  model: string | null;
  provider: string | null;
  status: number;
  errorType: string | null;
  stream: boolean;
  latencyMs: number;
  timeToFirstTokenMs: number | null;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  costNanodollars: number;
  createdAt: number;
  /** Upstream attempts (retries and fallbacks included); 0 for a cache hit. Stored default 1. */
  attempts?: number;
  /** JSON array of every attempt ({model, provider, status, error_type, latency_ms}), or null. */
  attemptLog?: string | null;
  /** Answered from the response cache. */
  cacheHit?: boolean;
}

export interface EventRecord {
  id: string;
  accountId: string;
  type: string;
  data: unknown;
  createdAt: number;
}

/** An uploaded file (OpenAI's File object); the bytes live in the blob store under `blobKey`. */
export interface FileRecord {
  id: string;
  accountId: string;
  filename: string;
  purpose: string;
  bytes: number;
  blobKey: string;
  createdAt: number;
  /** When the file stops being served and the retention sweeper deletes it; null keeps it. */
  expiresAt: number | null;
}

/** A result file of an async job, addressed by job id and file name. */
export interface JobFileRecord {
  accountId: string;
  jobId: string;
  filename: string;
  blobKey: string;
  bytes: number;
  contentType: string;
  createdAt: number;
  expiresAt: number | null;
}

/** A key for signed URLs, generated once and shared by replicas when none is configured. */
export interface SigningKeyRecord {
  id: string;
  secret: string;
  createdAt: number;
}

export interface FileListQuery {
  purpose: string | undefined;
  limit: number;
  order: "asc" | "desc";
  /** Cursor: only files strictly after this one in the chosen order. */
  after: { createdAt: number; id: string } | undefined;
}

export interface FileStore {
  insertFile(file: FileRecord): Promise<void>;
  findFile(accountId: string, id: string): Promise<FileRecord | undefined>;
  listFiles(accountId: string, query: FileListQuery): Promise<FileRecord[]>;
  deleteFile(accountId: string, id: string): Promise<boolean>;
  listExpiredFiles(now: number, limit: number): Promise<FileRecord[]>;
  /** Inserts or replaces the file of that account, job id and name. */
  upsertJobFile(file: JobFileRecord): Promise<void>;
  findJobFile(accountId: string, jobId: string, filename: string): Promise<JobFileRecord | undefined>;
  /** Every account's file at that path: a public signed URL names no account until it is verified. */
  findJobFilesByPath(jobId: string, filename: string): Promise<JobFileRecord[]>;
  deleteJobFile(accountId: string, jobId: string, filename: string): Promise<boolean>;
  listExpiredJobFiles(now: number, limit: number): Promise<JobFileRecord[]>;
  /** Stores `candidate` unless a key with its id exists; returns the stored one (the same on every replica). */
  ensureSigningKey(candidate: SigningKeyRecord): Promise<SigningKeyRecord>;
}

export interface AccountStore {
  insertAccount(account: NewAccount): Promise<void>;
  /** Deleted accounts too (`deletedAt` set); callers decide whether those count. */
  findAccount(id: string): Promise<AccountRecord | undefined>;
  countAccounts(): Promise<number>;
  /** Live accounts with this parent (null: top-level accounts), oldest first. */
  listAccounts(parentId: string | null): Promise<AccountRecord[]>;
  updateAccount(id: string, changes: AccountChanges, updatedAt: number): Promise<AccountRecord | undefined>;
  /** Adds to the granted credit atomically (a first top-up turns a postpaid account prepaid). */
  addCredit(id: string, nanodollars: number, updatedAt: number): Promise<AccountRecord | undefined>;
}

export interface BudgetStore {
  upsertBudget(budget: BudgetRecord): Promise<BudgetRecord>;
  listBudgets(accountId: string): Promise<BudgetRecord[]>;
  findBudget(accountId: string, tag: string): Promise<BudgetRecord | undefined>;
  deleteBudget(accountId: string, tag: string): Promise<boolean>;
}

export interface KeyStore {
  insertKey(key: ApiKeyRecord): Promise<void>;
  findKeyByHash(keyHash: string): Promise<ApiKeyRecord | undefined>;
  findKey(accountId: string, id: string): Promise<ApiKeyRecord | undefined>;
  listKeys(accountId: string): Promise<ApiKeyRecord[]>;
  revokeKey(accountId: string, id: string, revokedAt: number): Promise<boolean>;
  recordKeyUse(uses: readonly { id: string; lastUsedAt: number }[]): Promise<void>;
}

export interface UsageStore {
  /** Inserts the rows and adds them to the day and month rollups, all in one transaction. */
  insertUsage(records: readonly UsageRecord[]): Promise<void>;
  listRecentUsage(accountId: string, limit: number): Promise<UsageRecord[]>;
  listUsageRollups(query: UsageRollupQuery): Promise<UsageRollup[]>;
  /** Retention: removes raw rows created before `createdAt` (rollups stay); returns how many. */
  deleteUsageBefore(createdAt: number): Promise<number>;
}

export interface EventStore {
  /** Also the webhook outbox write: see WebhookStore.recordEvent. */
  insertEvent(event: EventRecord): Promise<void>;
  listEvents(accountId: string, limit: number): Promise<EventRecord[]>;
}

export interface WebhookEndpointRecord {
  id: string;
  accountId: string;
  url: string;
  /** Event types delivered to this endpoint; "*" means every type. */
  events: string[];
  description: string | null;
  createdAt: number;
}

export type WebhookDeliveryStatus = "pending" | "succeeded" | "failed" | "cancelled";

/** One event on its way to one URL; its id is the `x-aig-delivery-id` of every attempt. */
export interface WebhookDeliveryRecord {
  id: string;
  accountId: string;
  eventId: string;
  eventType: string;
  /** Null for a per-request `webhook_url`. */
  endpointId: string | null;
  url: string;
  status: WebhookDeliveryStatus;
  /** Attempts made so far. */
  attempts: number;
  /** When the next attempt is due (null once finished). */
  nextAttemptAt: number | null;
  lastAttemptAt: number | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: number;
  completedAt: number | null;
  /** Set on a delivery created by a manual redeliver: the delivery it repeats. */
  redeliveryOf: string | null;
}

export interface WebhookAttemptRecord {
  deliveryId: string;
  /** 1-based, the `x-aig-attempt` header. */
  attempt: number;
  attemptedAt: number;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

export interface WebhookSecretRecord {
  accountId: string;
  secret: string;
  /** The secret before the last rotation, still signed with until `previousSecretExpiresAt`. */
  previousSecret: string | null;
  previousSecretExpiresAt: number | null;
  createdAt: number;
  rotatedAt: number | null;
}

export interface ClaimedWebhookDelivery {
  delivery: WebhookDeliveryRecord;
  event: EventRecord;
}

/** How an attempt left a delivery: finished, or pending again with its next attempt time. */
export type WebhookAttemptOutcome =
  { status: "succeeded" | "failed" } | { status: "pending"; nextAttemptAt: number };

export interface WebhookDeliveryQuery {
  limit: number;
  endpointId?: string;
  eventId?: string;
  status?: WebhookDeliveryStatus;
}

/**
 * The webhook outbox. Recording an event (here or through EventStore.insertEvent, which does the
 * same) writes the event row and a pending delivery per subscribed endpoint in one transaction, so
 * an event a caller saw recorded is never lost to a crash before its deliveries exist.
 */
export interface WebhookStore {
  /**
   * Inserts the event and, atomically with it, one pending delivery (due at `event.createdAt`) per
   * endpoint of the account subscribed to its type, plus one per `extraUrls` entry. Returns them.
   */
  recordEvent(event: EventRecord, extraUrls?: readonly string[]): Promise<WebhookDeliveryRecord[]>;
  insertEndpoint(endpoint: WebhookEndpointRecord): Promise<void>;
  listEndpoints(accountId: string): Promise<WebhookEndpointRecord[]>;
  findEndpoint(accountId: string, id: string): Promise<WebhookEndpointRecord | undefined>;
  /** Deletes the endpoint and cancels its pending deliveries; false when not in this account. */
  deleteEndpoint(accountId: string, id: string, now: number): Promise<boolean>;
  /**
   * Leases up to `limit` pending deliveries due at `now` whose lease is free or expired, so that
   * concurrent dispatchers (replicas) never hold the same delivery at once.
   */
  claimDueDeliveries(claim: {
    now: number;
    limit: number;
    leaseOwner: string;
    leaseUntil: number;
  }): Promise<ClaimedWebhookDelivery[]>;
  /**
   * Records an attempt and applies its outcome, if `leaseOwner` still holds the delivery and it is
   * pending; returns false (the attempt is still logged) when it lost the lease meanwhile.
   */
  completeAttempt(
    attempt: WebhookAttemptRecord,
    leaseOwner: string,
    outcome: WebhookAttemptOutcome,
  ): Promise<boolean>;
  /** Gives a claimed delivery back untouched (shutdown mid-attempt), so it is retried promptly. */
  releaseDelivery(id: string, leaseOwner: string): Promise<void>;
  listDeliveries(accountId: string, query: WebhookDeliveryQuery): Promise<WebhookDeliveryRecord[]>;
  findDelivery(accountId: string, id: string): Promise<WebhookDeliveryRecord | undefined>;
  /** Attempts of these deliveries, oldest first. */
  listAttempts(deliveryIds: readonly string[]): Promise<WebhookAttemptRecord[]>;
  /** A new pending delivery (new id, due at `now`) of the same event to the same URL. */
  redeliver(accountId: string, id: string, now: number): Promise<WebhookDeliveryRecord | undefined>;
  findSecret(accountId: string): Promise<WebhookSecretRecord | undefined>;
  /** Stores `candidate` unless the account already has a secret; returns the one in force. */
  ensureSecret(accountId: string, candidate: string, now: number): Promise<WebhookSecretRecord>;
  /** Replaces the secret; the old one stays in `previousSecret` until `previousValidUntil` (null: dead now). */
  rotateSecret(
    accountId: string,
    secret: string,
    now: number,
    previousValidUntil: number | null,
  ): Promise<WebhookSecretRecord>;
}

export type JobStatus = "queued" | "running" | "completed" | "failed" | "cancelled";

/** An async job (video, music, 3D, async transcription): the queue row and the record users poll. */
export interface JobRecord {
  id: string;
  accountId: string;
  keyId: string;
  tag: string | null;
  /** "video", "music", "3d", "stt". */
  modality: string;
  /** The catalog slug. */
  model: string;
  /** The endpoint it was submitted to, logged in usage. */
  endpoint: string;
  status: JobStatus;
  /** The validated submit body. */
  input: unknown;
  webhookUrl: string | null;
  idempotencyKey: string | null;
  /** SHA-256 of the submitted body, to tell a retry from a reused key. */
  requestHash: string | null;
  /** What the upstream adapter needs to poll (its provider and request id); null before submission. */
  upstream: unknown;
  result: unknown;
  /** The result file name under /v1/files/jobs/{id}/. */
  resultFile: string | null;
  error: { code: string; message: string } | null;
  costNanodollars: number;
  /** Steps tried so far (submit, each poll); bounded, so a job that keeps crashing its worker fails. */
  attempts: number;
  /** When a worker should next look at it. */
  nextRunAt: number;
  leaseOwner: string | null;
  leaseUntil: number | null;
  createdAt: number;
  updatedAt: number;
  startedAt: number | null;
  completedAt: number | null;
  /** When its job.completed / job.failed event was written to the outbox. */
  eventRecordedAt: number | null;
}

export interface JobClaim {
  now: number;
  limit: number;
  leaseOwner: string;
  leaseUntil: number;
}

/** How a step left a job that is not finished: what to keep and when to look again. */
export interface JobProgress {
  upstream: unknown;
  nextRunAt: number;
  attempts: number;
}

export interface JobOutcome {
  status: "completed" | "failed";
  result: unknown;
  resultFile: string | null;
  error: { code: string; message: string } | null;
  costNanodollars: number;
  completedAt: number;
}

/**
 * The durable job queue. A worker leases due jobs (claimJobs), works one step, then either records
 * progress (releasing the lease) or finishes the job. Finishing is a status transition guarded by
 * the lease, and the usage row is written in the same transaction, so a job is charged at most once
 * even when a lease expired and two workers raced.
 */
export interface JobStore {
  /** Inserts the job; with an idempotency key already used by this account, returns that job instead. */
  insertJob(job: JobRecord): Promise<{ job: JobRecord; created: boolean }>;
  findJob(accountId: string, id: string): Promise<JobRecord | undefined>;
  /** Leases queued or running jobs due at `now` whose lease is free or expired; queued ones become running. */
  claimJobs(claim: JobClaim): Promise<JobRecord[]>;
  /** Extends a lease still held (a long step). False when it was lost. */
  renewJobLease(id: string, leaseOwner: string, leaseUntil: number): Promise<boolean>;
  /** Saves a step's progress and releases the lease, if still held and the job still running. */
  saveJobProgress(id: string, leaseOwner: string, progress: JobProgress, now: number): Promise<boolean>;
  /**
   * Finishes a running job still leased by `leaseOwner`, and inserts `usage` (row and rollups) in the
   * same transaction. False, with nothing written, when another worker or a cancel got there first.
   */
  finishJob(id: string, leaseOwner: string, outcome: JobOutcome, usage: UsageRecord | null): Promise<boolean>;
  /** Cancels a queued or running job; returns it (as it is now) or undefined when not in this account. */
  cancelJob(accountId: string, id: string, now: number): Promise<JobRecord | undefined>;
  /** Finished jobs whose event has not reached the outbox yet (a crash between finishing and recording). */
  listJobsAwaitingEvent(limit: number): Promise<JobRecord[]>;
  markJobEventRecorded(id: string, at: number): Promise<void>;
}

export type BatchStatus =
  | "validating"
  | "failed"
  | "in_progress"
  | "finalizing"
  | "completed"
  | "expired"
  | "cancelling"
  | "cancelled";

export interface BatchErrorEntry {
  code: string;
  message: string;
  param: string | null;
  line: number | null;
}

/** An OpenAI-compatible batch; its lines are rows of their own. */
export interface BatchRecord {
  id: string;
  accountId: string;
  keyId: string;
  tag: string | null;
  endpoint: string;
  inputFileId: string;
  completionWindow: string;
  metadata: Record<string, string> | null;
  status: BatchStatus;
  errors: BatchErrorEntry[] | null;
  outputFileId: string | null;
  errorFileId: string | null;
  total: number;
  completed: number;
  failed: number;
  createdAt: number;
  inProgressAt: number | null;
  expiresAt: number;
  finalizingAt: number | null;
  completedAt: number | null;
  failedAt: number | null;
  expiredAt: number | null;
  cancellingAt: number | null;
  cancelledAt: number | null;
  leaseOwner: string | null;
  leaseUntil: number | null;
  eventRecordedAt: number | null;
}

export type BatchLineStatus = "pending" | "succeeded" | "failed";

/** One request of a batch. `output` is its finished line of the output or error file. */
export interface BatchLineRecord {
  batchId: string;
  /** 0-based position among the file's requests. */
  index: number;
  customId: string;
  /** The request body, JSON text. */
  body: string;
  status: BatchLineStatus;
  output: string | null;
  costNanodollars: number;
  leaseOwner: string | null;
  leaseUntil: number | null;
  completedAt: number | null;
}

export interface BatchListQuery {
  limit: number;
  /** Cursor: only batches created before this one (newest first). */
  after: { createdAt: number; id: string } | undefined;
}

export interface BatchLineOutcome {
  status: "succeeded" | "failed";
  output: string;
  costNanodollars: number;
  completedAt: number;
}

/** Changes a worker makes to a batch it leases (status moves and their timestamps). */
export type BatchChanges = Partial<
  Pick<
    BatchRecord,
    | "status"
    | "errors"
    | "outputFileId"
    | "errorFileId"
    | "total"
    | "inProgressAt"
    | "finalizingAt"
    | "completedAt"
    | "failedAt"
    | "expiredAt"
    | "cancelledAt"
  >
>;

/**
 * Batches and their lines. Each line is finished by a guarded transition (pending → succeeded or
 * failed, only by its lease holder) in the same transaction as its usage row and the batch's counts,
 * so a line is charged once across crashes, restarts and racing replicas.
 */
export interface BatchStore {
  insertBatch(batch: BatchRecord): Promise<void>;
  findBatch(accountId: string, id: string): Promise<BatchRecord | undefined>;
  /** For workers, which meet a batch through its lines. */
  findBatchById(id: string): Promise<BatchRecord | undefined>;
  listBatches(accountId: string, query: BatchListQuery): Promise<BatchRecord[]>;
  /** Leases batches that need a worker (validating, finishing, cancelling, expiring) at `now`. */
  claimBatches(claim: JobClaim): Promise<BatchRecord[]>;
  /** Applies changes to a batch still leased by `leaseOwner` and releases the lease; false when lost. */
  updateBatch(id: string, leaseOwner: string, changes: BatchChanges): Promise<boolean>;
  /** Inserts the lines (once: existing indexes are left alone) and moves the batch to in_progress. */
  startBatch(
    id: string,
    leaseOwner: string,
    lines: readonly BatchLineRecord[],
    now: number,
  ): Promise<boolean>;
  /** Leases pending lines of in-progress batches, oldest batch first. */
  claimBatchLines(claim: JobClaim): Promise<BatchLineRecord[]>;
  /** Finishes a pending line still leased by `leaseOwner`, with its usage and the batch's counts. */
  finishBatchLine(
    batchId: string,
    index: number,
    leaseOwner: string,
    outcome: BatchLineOutcome,
    usage: readonly UsageRecord[],
  ): Promise<boolean>;
  /** Extends the lease of a line still pending and leased by `leaseOwner` (a request still running). */
  renewBatchLineLease(
    batchId: string,
    index: number,
    leaseOwner: string,
    leaseUntil: number,
  ): Promise<boolean>;
  /** Gives a claimed line back untouched (shutdown), so it is retried promptly. */
  releaseBatchLine(batchId: string, index: number, leaseOwner: string): Promise<void>;
  /** Pending lines whose lease is live at `now` (requests in flight). */
  countLeasedLines(batchId: string, now: number): Promise<number>;
  countPendingLines(batchId: string): Promise<number>;
  /** Lines in index order, from `fromIndex`, for writing the output files. */
  listBatchLines(batchId: string, fromIndex: number, limit: number): Promise<BatchLineRecord[]>;
  /** in_progress or validating → cancelling; returns the batch as it is now. */
  cancelBatch(accountId: string, id: string, now: number): Promise<BatchRecord | undefined>;
  listBatchesAwaitingEvent(limit: number): Promise<BatchRecord[]>;
  markBatchEventRecorded(id: string, at: number): Promise<void>;
}

export interface Storage {
  readonly kind: "sqlite" | "postgres";
  accounts: AccountStore;
  budgets: BudgetStore;
  keys: KeyStore;
  usage: UsageStore;
  events: EventStore;
  files: FileStore;
  webhooks: WebhookStore;
  jobs: JobStore;
  batches: BatchStore;
  /** True when the backend answers a trivial query (the readiness probe). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
