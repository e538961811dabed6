// Forward-only migrations, the PostgreSQL twin of sqlite-migrations.ts. Replicas of the previous
// release keep running against a migrated database during a rolling deploy, so each migration only
// expands (new tables, nullable columns, indexes); removing anything waits for a later release that
// no longer reads it.
//
// Identifiers and key hashes use COLLATE "C" so ORDER BY on them compares bytes like SQLite does,
// whatever collation the database was created with.

export interface PostgresMigration {
  version: number;
  name: string;
  sql: string;
  /**
   * False for statements PostgreSQL refuses inside a transaction (CREATE INDEX CONCURRENTLY, which a
   * large live table needs so writers are not blocked). Such a migration must be safe to re-run
   * (IF NOT EXISTS), because a crash can land between its statement and its record.
   */
  transactional?: false;
}

export const postgresMigrations: readonly PostgresMigration[] = [
  {
    version: 1,
    name: "accounts, keys, usage log, events",
    sql: `
      CREATE TABLE accounts (
        id TEXT COLLATE "C" PRIMARY KEY,
        name TEXT NOT NULL,
        created_at BIGINT NOT NULL
      );
      CREATE TABLE api_keys (
        id TEXT COLLATE "C" PRIMARY KEY,
        account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts(id),
        name TEXT NOT NULL,
        prefix TEXT NOT NULL,
        key_hash TEXT COLLATE "C" NOT NULL UNIQUE,
        role TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        last_used_at BIGINT,
        revoked_at BIGINT,
        replaces_key_id TEXT COLLATE "C"
      );
      CREATE INDEX api_keys_account ON api_keys(account_id, created_at);
      CREATE TABLE usage_log (
        id BIGSERIAL PRIMARY KEY,
        request_id TEXT NOT NULL,
        account_id TEXT COLLATE "C",
        key_id TEXT COLLATE "C",
        tag TEXT,
        endpoint TEXT NOT NULL,
        model TEXT,
        provider TEXT,
        status INTEGER NOT NULL,
        error_type TEXT,
        stream BOOLEAN NOT NULL,
        latency_ms BIGINT NOT NULL,
        ttft_ms BIGINT,
        prompt_tokens BIGINT NOT NULL,
        completion_tokens BIGINT NOT NULL,
        cached_tokens BIGINT NOT NULL,
        cache_write_tokens BIGINT NOT NULL,
        reasoning_tokens BIGINT NOT NULL,
        cost_nanodollars BIGINT NOT NULL,
        created_at BIGINT NOT NULL
      );
      CREATE INDEX usage_log_account_time ON usage_log(account_id, created_at DESC, id DESC);
      CREATE TABLE events (
        id TEXT COLLATE "C" PRIMARY KEY,
        account_id TEXT COLLATE "C" NOT NULL,
        type TEXT NOT NULL,
        -- json, not jsonb: it keeps the document byte for byte (key order included), as SQLite does.
        data JSON NOT NULL,
        created_at BIGINT NOT NULL
      );
      CREATE INDEX events_account_time ON events(account_id, created_at DESC);
    `,
  },
  {
    version: 2,
    name: "account tiers, caps, sub-accounts, budgets, usage rollups",
    sql: `
      ALTER TABLE accounts ADD COLUMN parent_id TEXT COLLATE "C" REFERENCES accounts(id);
      ALTER TABLE accounts ADD COLUMN tier TEXT NOT NULL DEFAULT 'pro';
      ALTER TABLE accounts ADD COLUMN external_ref TEXT;
      ALTER TABLE accounts ADD COLUMN spend_cap_nanodollars BIGINT;
      ALTER TABLE accounts ADD COLUMN credit_nanodollars BIGINT;
      ALTER TABLE accounts ADD COLUMN rate_limit_rpm INTEGER;
      ALTER TABLE accounts ADD COLUMN default_tag TEXT;
      ALTER TABLE accounts ADD COLUMN allowed_models JSONB;
      ALTER TABLE accounts ADD COLUMN deleted_at BIGINT;
      ALTER TABLE accounts ADD COLUMN updated_at BIGINT;
      CREATE INDEX accounts_parent ON accounts(parent_id, created_at);
      ALTER TABLE usage_log ADD COLUMN billing_account_id TEXT COLLATE "C";
      CREATE TABLE budgets (
        account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts(id),
        tag TEXT COLLATE "C" NOT NULL,
        monthly_cap_nanodollars BIGINT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (account_id, tag)
      );
      CREATE TABLE usage_rollups (
        billing_account_id TEXT COLLATE "C" NOT NULL,
        granularity TEXT COLLATE "C" NOT NULL,
        period TEXT COLLATE "C" NOT NULL,
        account_id TEXT COLLATE "C" NOT NULL,
        tag TEXT COLLATE "C" NOT NULL,
        model TEXT COLLATE "C" NOT NULL,
        requests BIGINT NOT NULL,
        errors BIGINT NOT NULL,
        cost_nanodollars BIGINT NOT NULL,
        prompt_tokens BIGINT NOT NULL,
        completion_tokens BIGINT NOT NULL,
        PRIMARY KEY (billing_account_id, granularity, period, account_id, tag, model)
      );
      CREATE INDEX usage_rollups_account ON usage_rollups(account_id, granularity, period);
    `,
  },
  {
    version: 3,
    name: "usage log index for retention",
    // The log is the one large, hot table: build without blocking the replicas writing to it.
    sql: "CREATE INDEX CONCURRENTLY IF NOT EXISTS usage_log_time ON usage_log(created_at)",
    transactional: false,
  },
  {
    version: 20,
    name: "webhook endpoints, deliveries, attempts, secrets",
    sql: `
      CREATE TABLE webhook_endpoints (
        id TEXT COLLATE "C" PRIMARY KEY,
        account_id TEXT COLLATE "C" NOT NULL,
        url TEXT NOT NULL,
        events TEXT[] NOT NULL,
        description TEXT,
        created_at BIGINT NOT NULL
      );
      CREATE INDEX webhook_endpoints_account ON webhook_endpoints(account_id, created_at);
      CREATE TABLE webhook_deliveries (
        id TEXT COLLATE "C" PRIMARY KEY,
        account_id TEXT COLLATE "C" NOT NULL,
        event_id TEXT COLLATE "C" NOT NULL,
        event_type TEXT NOT NULL,
        endpoint_id TEXT COLLATE "C",
        url TEXT NOT NULL,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        next_attempt_at BIGINT,
        lease_owner TEXT,
        lease_expires_at BIGINT,
        last_attempt_at BIGINT,
        last_status_code INTEGER,
        last_error TEXT,
        created_at BIGINT NOT NULL,
        completed_at BIGINT,
        redelivery_of TEXT COLLATE "C"
      );
      CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at) WHERE status = 'pending';
      CREATE INDEX webhook_deliveries_account ON webhook_deliveries(account_id, created_at DESC, id DESC);
      CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries(endpoint_id) WHERE status = 'pending';
      CREATE TABLE webhook_attempts (
        delivery_id TEXT COLLATE "C" NOT NULL,
        attempt INTEGER NOT NULL,
        attempted_at BIGINT NOT NULL,
        status_code INTEGER,
        error TEXT,
        duration_ms BIGINT NOT NULL,
        PRIMARY KEY (delivery_id, attempt)
      );
      CREATE TABLE webhook_secrets (
        account_id TEXT COLLATE "C" PRIMARY KEY,
        secret TEXT NOT NULL,
        previous_secret TEXT,
        previous_secret_expires_at BIGINT,
        created_at BIGINT NOT NULL,
        rotated_at BIGINT
      );
    `,
  },
  {
    version: 30,
    name: "files, job result files, signing keys",
    sql: `
      CREATE TABLE files (
        id TEXT COLLATE "C" PRIMARY KEY,
        account_id TEXT COLLATE "C" NOT NULL,
        filename TEXT NOT NULL,
        purpose TEXT NOT NULL,
        bytes BIGINT NOT NULL,
        blob_key TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        expires_at BIGINT
      );
      CREATE INDEX files_account_time ON files(account_id, created_at DESC, id DESC);
      CREATE INDEX files_expiry ON files(expires_at) WHERE expires_at IS NOT NULL;
      CREATE TABLE job_files (
        account_id TEXT COLLATE "C" NOT NULL,
        job_id TEXT COLLATE "C" NOT NULL,
        filename TEXT COLLATE "C" NOT NULL,
        blob_key TEXT NOT NULL,
        bytes BIGINT NOT NULL,
        content_type TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        expires_at BIGINT,
        PRIMARY KEY (account_id, job_id, filename)
      );
      CREATE INDEX job_files_path ON job_files(job_id, filename);
      CREATE INDEX job_files_expiry ON job_files(expires_at) WHERE expires_at IS NOT NULL;
      CREATE TABLE signing_keys (
        id TEXT COLLATE "C" PRIMARY KEY,
        secret TEXT NOT NULL,
        created_at BIGINT NOT NULL
      );
    `,
  },
  {
    version: 40,
    name: "usage attempts, attempt log, cache hits",
    // Constant defaults: PostgreSQL 11+ adds these columns without rewriting the table.
    sql: `
      ALTER TABLE usage_log ADD COLUMN IF NOT EXISTS attempts INTEGER NOT NULL DEFAULT 1;
      ALTER TABLE usage_log ADD COLUMN IF NOT EXISTS attempt_log TEXT;
      ALTER TABLE usage_log ADD COLUMN IF NOT EXISTS cache_hit BOOLEAN NOT NULL DEFAULT false;
    `,
  },
  {
    version: 50,
    name: "async jobs queue",
    sql: `
      CREATE TABLE jobs (
        id TEXT COLLATE "C" PRIMARY KEY,
        account_id TEXT NOT NULL,
        key_id TEXT NOT NULL,
        tag TEXT,
        modality TEXT NOT NULL,
        model TEXT NOT NULL,
        endpoint TEXT NOT NULL,
        status TEXT NOT NULL,
        input TEXT NOT NULL,
        webhook_url TEXT,
        idempotency_key TEXT,
        request_hash TEXT,
        upstream TEXT,
        result TEXT,
        result_file TEXT,
        error TEXT,
        cost_nanodollars BIGINT NOT NULL DEFAULT 0,
        attempts BIGINT NOT NULL DEFAULT 0,
        next_run_at BIGINT NOT NULL,
        lease_owner TEXT,
        lease_until BIGINT,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        started_at BIGINT,
        completed_at BIGINT,
        event_recorded_at BIGINT
      );
      CREATE UNIQUE INDEX jobs_idempotency ON jobs(account_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
      CREATE INDEX jobs_due ON jobs(next_run_at) WHERE status IN ('queued', 'running');
      CREATE INDEX jobs_awaiting_event ON jobs(completed_at)
        WHERE event_recorded_at IS NULL AND status IN ('completed', 'failed');
    `,
  },
  {
    version: 51,
    name: "batches and batch lines",
    sql: `
      CREATE TABLE batches (
        id TEXT COLLATE "C" PRIMARY KEY,
        account_id TEXT NOT NULL,
        key_id TEXT NOT NULL,
        tag TEXT,
        endpoint TEXT NOT NULL,
        input_file_id TEXT NOT NULL,
        completion_window TEXT NOT NULL,
        metadata TEXT,
        status TEXT NOT NULL,
        errors TEXT,
        output_file_id TEXT,
        error_file_id TEXT,
        total BIGINT NOT NULL DEFAULT 0,
        completed BIGINT NOT NULL DEFAULT 0,
        failed BIGINT NOT NULL DEFAULT 0,
        created_at BIGINT NOT NULL,
        in_progress_at BIGINT,
        expires_at BIGINT NOT NULL,
        finalizing_at BIGINT,
        completed_at BIGINT,
        failed_at BIGINT,
        expired_at BIGINT,
        cancelling_at BIGINT,
        cancelled_at BIGINT,
        lease_owner TEXT,
        lease_until BIGINT,
        event_recorded_at BIGINT
      );
      CREATE INDEX batches_account_time ON batches(account_id, created_at DESC, id DESC);
      CREATE INDEX batches_active ON batches(status) WHERE status IN ('validating', 'in_progress', 'finalizing', 'cancelling');
      CREATE TABLE batch_lines (
        batch_id TEXT NOT NULL,
        line_index BIGINT NOT NULL,
        custom_id TEXT NOT NULL,
        body TEXT NOT NULL,
        status TEXT NOT NULL,
        output TEXT,
        cost_nanodollars BIGINT NOT NULL DEFAULT 0,
        lease_owner TEXT,
        lease_until BIGINT,
        completed_at BIGINT,
        PRIMARY KEY (batch_id, line_index)
      );
      CREATE INDEX batch_lines_pending ON batch_lines(batch_id, line_index) WHERE status = 'pending';
    `,
  },
];
