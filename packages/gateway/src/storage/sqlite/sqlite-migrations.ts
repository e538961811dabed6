// Forward-only migrations. Each one only adds (tables, nullable columns, indexes) so the previous
// release keeps working against a migrated database during a rolling deploy.

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const sqliteMigrations: readonly Migration[] = [
  {
    version: 1,
    name: "accounts, keys, usage log, events",
    sql: `
      CREATE TABLE accounts (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE api_keys (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts(id),
        name TEXT NOT NULL,
        prefix TEXT NOT NULL,
        key_hash TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        last_used_at INTEGER,
        revoked_at INTEGER,
        replaces_key_id TEXT
      );
      CREATE INDEX api_keys_account ON api_keys(account_id, created_at);
      CREATE TABLE usage_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        request_id TEXT NOT NULL,
        account_id TEXT,
        key_id TEXT,
        tag TEXT,
        endpoint TEXT NOT NULL,
        model TEXT,
        provider TEXT,
        status INTEGER NOT NULL,
        error_type TEXT,
        stream INTEGER NOT NULL,
        latency_ms INTEGER NOT NULL,
        ttft_ms INTEGER,
        prompt_tokens INTEGER NOT NULL,
        completion_tokens INTEGER NOT NULL,
        cached_tokens INTEGER NOT NULL,
        cache_write_tokens INTEGER NOT NULL,
        reasoning_tokens INTEGER NOT NULL,
        cost_nanodollars INTEGER NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX usage_log_account_time ON usage_log(account_id, created_at DESC, id DESC);
      CREATE TABLE events (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        type TEXT NOT NULL,
        data TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX events_account_time ON events(account_id, created_at DESC);
    `,
  },
  {
    version: 2,
    name: "account tiers, caps, sub-accounts, budgets, usage rollups",
    sql: `
      ALTER TABLE accounts ADD COLUMN parent_id TEXT REFERENCES accounts(id);
      ALTER TABLE accounts ADD COLUMN tier TEXT NOT NULL DEFAULT 'pro';
      ALTER TABLE accounts ADD COLUMN external_ref TEXT;
      ALTER TABLE accounts ADD COLUMN spend_cap_nanodollars INTEGER;
      ALTER TABLE accounts ADD COLUMN credit_nanodollars INTEGER;
      ALTER TABLE accounts ADD COLUMN rate_limit_rpm INTEGER;
      ALTER TABLE accounts ADD COLUMN default_tag TEXT;
      ALTER TABLE accounts ADD COLUMN allowed_models TEXT;
      ALTER TABLE accounts ADD COLUMN deleted_at INTEGER;
      ALTER TABLE accounts ADD COLUMN updated_at INTEGER;
      CREATE INDEX accounts_parent ON accounts(parent_id, created_at);
      ALTER TABLE usage_log ADD COLUMN billing_account_id TEXT;
      CREATE TABLE budgets (
        account_id TEXT NOT NULL REFERENCES accounts(id),
        tag TEXT NOT NULL,
        monthly_cap_nanodollars INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (account_id, tag)
      );
      CREATE TABLE usage_rollups (
        billing_account_id TEXT NOT NULL,
        granularity TEXT NOT NULL,
        period TEXT NOT NULL,
        account_id TEXT NOT NULL,
        tag TEXT NOT NULL,
        model TEXT NOT NULL,
        requests INTEGER NOT NULL,
        errors INTEGER NOT NULL,
        cost_nanodollars INTEGER NOT NULL,
        prompt_tokens INTEGER NOT NULL,
        completion_tokens INTEGER NOT NULL,
        PRIMARY KEY (billing_account_id, granularity, period, account_id, tag, model)
      );
      CREATE INDEX usage_rollups_account ON usage_rollups(account_id, granularity, period);
    `,
  },
  {
    version: 3,
    name: "usage log index for retention",
    sql: "CREATE INDEX IF NOT EXISTS usage_log_time ON usage_log(created_at)",
  },
  {
    version: 20,
    name: "webhook endpoints, deliveries, attempts, secrets",
    sql: `
      CREATE TABLE webhook_endpoints (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        url TEXT NOT NULL,
        events TEXT NOT NULL,
        description TEXT,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX webhook_endpoints_account ON webhook_endpoints(account_id, created_at);
      CREATE TABLE webhook_deliveries (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        event_id TEXT NOT NULL,
        event_type TEXT NOT NULL,
        endpoint_id TEXT,
        url TEXT NOT NULL,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        next_attempt_at INTEGER,
        lease_owner TEXT,
        lease_expires_at INTEGER,
        last_attempt_at INTEGER,
        last_status_code INTEGER,
        last_error TEXT,
        created_at INTEGER NOT NULL,
        completed_at INTEGER,
        redelivery_of TEXT
      );
      CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at) WHERE status = 'pending';
      CREATE INDEX webhook_deliveries_account ON webhook_deliveries(account_id, created_at DESC, id DESC);
      CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries(endpoint_id) WHERE status = 'pending';
      CREATE TABLE webhook_attempts (
        delivery_id TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        attempted_at INTEGER NOT NULL,
        status_code INTEGER,
        error TEXT,
        duration_ms INTEGER NOT NULL,
        PRIMARY KEY (delivery_id, attempt)
      );
      CREATE TABLE webhook_secrets (
        account_id TEXT PRIMARY KEY,
        secret TEXT NOT NULL,
        previous_secret TEXT,
        previous_secret_expires_at INTEGER,
        created_at INTEGER NOT NULL,
        rotated_at INTEGER
      );
    `,
  },
  {
    version: 30,
    name: "files, job result files, signing keys",
    sql: `
      CREATE TABLE files (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        filename TEXT NOT NULL,
        purpose TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        blob_key TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER
      );
      CREATE INDEX files_account_time ON files(account_id, created_at DESC, id DESC);
      CREATE INDEX files_expiry ON files(expires_at) WHERE expires_at IS NOT NULL;
      CREATE TABLE job_files (
        account_id TEXT NOT NULL,
        job_id TEXT NOT NULL,
        filename TEXT NOT NULL,
        blob_key TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        content_type TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER,
        PRIMARY KEY (account_id, job_id, filename)
      );
      CREATE INDEX job_files_path ON job_files(job_id, filename);
      CREATE INDEX job_files_expiry ON job_files(expires_at) WHERE expires_at IS NOT NULL;
      CREATE TABLE signing_keys (
        id TEXT PRIMARY KEY,
        secret TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 40,
    name: "usage attempts, attempt log, cache hits",
    sql: `
      ALTER TABLE usage_log ADD COLUMN attempts INTEGER NOT NULL DEFAULT 1;
      ALTER TABLE usage_log ADD COLUMN attempt_log TEXT;
      ALTER TABLE usage_log ADD COLUMN cache_hit INTEGER NOT NULL DEFAULT 0;
    `,
  },
  {
    version: 50,
    name: "async jobs queue",
    sql: `
      CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
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
        cost_nanodollars INTEGER NOT NULL DEFAULT 0,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_run_at INTEGER NOT NULL,
        lease_owner TEXT,
        lease_until INTEGER,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        started_at INTEGER,
        completed_at INTEGER,
        event_recorded_at INTEGER
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
        id TEXT PRIMARY KEY,
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
        total INTEGER NOT NULL DEFAULT 0,
        completed INTEGER NOT NULL DEFAULT 0,
        failed INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        in_progress_at INTEGER,
        expires_at INTEGER NOT NULL,
        finalizing_at INTEGER,
        completed_at INTEGER,
        failed_at INTEGER,
        expired_at INTEGER,
        cancelling_at INTEGER,
        cancelled_at INTEGER,
        lease_owner TEXT,
        lease_until INTEGER,
        event_recorded_at INTEGER
      );
      CREATE INDEX batches_account_time ON batches(account_id, created_at DESC, id DESC);
      CREATE INDEX batches_active ON batches(status) WHERE status IN ('validating', 'in_progress', 'finalizing', 'cancelling');
      CREATE TABLE batch_lines (
        batch_id TEXT NOT NULL,
        line_index INTEGER NOT NULL,
        custom_id TEXT NOT NULL,
        body TEXT NOT NULL,
        status TEXT NOT NULL,
        output TEXT,
        cost_nanodollars INTEGER NOT NULL DEFAULT 0,
        lease_owner TEXT,
        lease_until INTEGER,
        completed_at INTEGER,
        PRIMARY KEY (batch_id, line_index)
      );
      CREATE INDEX batch_lines_pending ON batch_lines(batch_id, line_index) WHERE status = 'pending';
    `,
  },
];
