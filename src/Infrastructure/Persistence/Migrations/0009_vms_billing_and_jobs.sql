-- Virtual machines, their hourly usage, billing and integrity runs, and the job history the operations
-- dashboard reads. Exactly-once billing is a schema rule: vm_usage has one row per (vm, clock hour).

CREATE TABLE vms (
    id                 uuid PRIMARY KEY,
    customer_id        uuid          NOT NULL REFERENCES customers (id),
    wallet_id          uuid          NOT NULL REFERENCES wallets (id),
    name               varchar(200)  NOT NULL CHECK (length(btrim(name)) > 0),
    size               varchar(32)   NOT NULL,
    status             varchar(16)   NOT NULL CHECK (status IN ('Running', 'Stopped', 'Suspended', 'Deleted')),
    -- Every clock hour that starts before this instant is settled (billed, or not run). Always on the hour.
    billed_through     timestamptz   NOT NULL CHECK (extract(epoch FROM billed_through) % 3600 = 0),
    -- Hours billed at the current size: the next hour costs round(p*(n+1)/H) - round(p*n/H) (cumulative rounding).
    size_hours_billed  bigint        NOT NULL DEFAULT 0 CHECK (size_hours_billed >= 0),
    created_at         timestamptz   NOT NULL,
    updated_at         timestamptz   NOT NULL,
    deleted_at         timestamptz   NULL,
    CONSTRAINT vms_deleted_check CHECK ((status = 'Deleted') = (deleted_at IS NOT NULL))
);

-- The billing run's work list: running VMs with an ended hour still unbilled.
CREATE INDEX vms_billable_idx ON vms (id) INCLUDE (billed_through) WHERE status = 'Running';
CREATE INDEX vms_customer_created_idx ON vms (customer_id, created_at DESC);
CREATE INDEX vms_wallet_idx ON vms (wallet_id);

CREATE TABLE billing_runs (
    id              uuid PRIMARY KEY,
    -- Hours that end at or before this instant are billed by the run.
    billed_up_to    timestamptz    NOT NULL,
    started_at      timestamptz    NOT NULL,
    finished_at     timestamptz    NULL,
    status          varchar(16)    NOT NULL CHECK (status IN ('Running', 'Succeeded', 'Failed')),
    node_id         varchar(200)   NOT NULL,
    batches         integer        NOT NULL DEFAULT 0,
    vms_billed      integer        NOT NULL DEFAULT 0,
    hours_billed    bigint         NOT NULL DEFAULT 0,
    amount_billed   numeric(19,2)  NOT NULL DEFAULT 0,
    vms_suspended   integer        NOT NULL DEFAULT 0,
    error           text           NULL
);

CREATE INDEX billing_runs_started_idx ON billing_runs (started_at DESC);

-- One row per VM and clock hour, ever: a re-run, a crash half-way or two nodes cannot bill an hour twice.
CREATE TABLE vm_usage (
    vm_id            uuid           NOT NULL REFERENCES vms (id),
    hour_start       timestamptz    NOT NULL CHECK (extract(epoch FROM hour_start) % 3600 = 0),
    size             varchar(32)    NOT NULL,
    -- This hour's share under cumulative rounding; may be 0.00 for a very cheap size.
    amount           numeric(19,2)  NOT NULL CHECK (amount >= 0),
    wallet_id        uuid           NOT NULL REFERENCES wallets (id),
    -- The UsageCharge entry that took the money (one entry per VM per settlement, listing its hours); NULL only
    -- when the hours settled together cost 0.00.
    ledger_entry_id  uuid           NULL REFERENCES ledger_entries (id),
    -- The billing run that charged it; NULL when a stop, resize or delete settled it.
    billing_run_id   uuid           NULL REFERENCES billing_runs (id),
    created_at       timestamptz    NOT NULL,
    PRIMARY KEY (vm_id, hour_start),
    CONSTRAINT vm_usage_entry_check CHECK (amount = 0 OR ledger_entry_id IS NOT NULL)
);

CREATE INDEX vm_usage_hour_idx ON vm_usage (hour_start);
CREATE INDEX vm_usage_ledger_entry_idx ON vm_usage (ledger_entry_id) WHERE ledger_entry_id IS NOT NULL;
CREATE TRIGGER vm_usage_append_only BEFORE UPDATE OR DELETE ON vm_usage FOR EACH ROW EXECUTE FUNCTION forbid_row_change();

-- Integrity verification reports: read-only checks, the issues found kept with the report.
CREATE TABLE integrity_reports (
    id                uuid PRIMARY KEY,
    trigger           varchar(16)    NOT NULL CHECK (trigger IN ('Schedule', 'Api', 'Dashboard')),
    started_at        timestamptz    NOT NULL,
    finished_at       timestamptz    NOT NULL,
    wallets_checked   bigint         NOT NULL,
    entries_checked   bigint         NOT NULL,
    payments_checked  bigint         NOT NULL,
    issue_count       bigint         NOT NULL,
    -- [{walletId, kind, detail}], at most the first few thousand; issue_count is the full number.
    issues            jsonb          NOT NULL DEFAULT '[]'::jsonb
);

CREATE INDEX integrity_reports_finished_idx ON integrity_reports (finished_at DESC);

-- Every execution of a scheduled job on any node, written by the job-history listener.
CREATE TABLE job_runs (
    id                uuid PRIMARY KEY,
    job_name          varchar(100)   NOT NULL,
    fire_instance_id  varchar(200)   NOT NULL UNIQUE,
    trigger_name      varchar(200)   NOT NULL,
    node_id           varchar(200)   NOT NULL,
    scheduled_at      timestamptz    NULL,
    started_at        timestamptz    NOT NULL,
    finished_at       timestamptz    NULL,
    status            varchar(16)    NOT NULL CHECK (status IN ('Running', 'Succeeded', 'Failed')),
    -- What the job reported (counts, amounts), as the job's own JSON summary.
    summary           jsonb          NULL,
    error             text           NULL,
    CONSTRAINT job_runs_finished_check CHECK ((status = 'Running') = (finished_at IS NULL))
);

CREATE INDEX job_runs_started_idx ON job_runs (started_at DESC);
CREATE INDEX job_runs_job_started_idx ON job_runs (job_name, started_at DESC);
