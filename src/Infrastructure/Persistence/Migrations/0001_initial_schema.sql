-- CleanWallet initial schema. Money rules are enforced here as well as in the domain, so that no code
-- path (a bug, a manual fix, a future service) can write a ledger that does not reconcile.

CREATE TABLE customers (
    id                  uuid PRIMARY KEY,
    name                varchar(200) NOT NULL CHECK (length(btrim(name)) > 0),
    billing_model       varchar(16)  NOT NULL CHECK (billing_model IN ('Payg', 'Invoice')),
    parent_customer_id  uuid NULL REFERENCES customers (id),
    status              varchar(16)  NOT NULL CHECK (status IN ('Active', 'Suspended')),
    created_at          timestamptz  NOT NULL
);

CREATE TABLE wallets (
    id                     uuid PRIMARY KEY,
    customer_id            uuid          NOT NULL REFERENCES customers (id),
    currency               char(3)       NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    balance                numeric(19,2) NOT NULL,
    credit_limit           numeric(19,2) NOT NULL CHECK (credit_limit >= 0),
    status                 varchar(16)   NOT NULL CHECK (status IN ('Active', 'Frozen')),
    low_balance_threshold  numeric(19,2) NULL,
    last_sequence          bigint        NOT NULL CHECK (last_sequence >= 0),
    created_at             timestamptz   NOT NULL,
    UNIQUE (customer_id, currency)
);

CREATE TABLE ledger_entries (
    id              uuid PRIMARY KEY,
    wallet_id       uuid          NOT NULL REFERENCES wallets (id),
    sequence        bigint        NOT NULL CHECK (sequence > 0),
    type            varchar(24)   NOT NULL,
    direction       varchar(8)    NOT NULL,
    amount          numeric(19,2) NOT NULL CHECK (amount > 0),
    balance_before  numeric(19,2) NOT NULL,
    balance_after   numeric(19,2) NOT NULL,
    reference_type  varchar(32)   NOT NULL,
    reference_id    uuid          NOT NULL,
    description     varchar(500)  NOT NULL,
    actor           varchar(200)  NOT NULL,
    created_at      timestamptz   NOT NULL,
    CONSTRAINT ledger_entries_wallet_sequence_key UNIQUE (wallet_id, sequence),
    CONSTRAINT ledger_entries_type_direction_check CHECK (
        (direction = 'Credit' AND type IN ('Deposit', 'Refund', 'TransferIn', 'AdjustmentCredit')) OR
        (direction = 'Debit'  AND type IN ('Payment', 'TransferOut', 'AdjustmentDebit', 'UsageCharge'))),
    CONSTRAINT ledger_entries_balance_check CHECK (
        (direction = 'Credit' AND balance_after = balance_before + amount) OR
        (direction = 'Debit'  AND balance_after = balance_before - amount))
);

CREATE INDEX ledger_entries_wallet_created_idx ON ledger_entries (wallet_id, created_at);
CREATE INDEX ledger_entries_reference_idx ON ledger_entries (reference_type, reference_id);

-- The ledger is append-only: corrections are new entries, never edits.
CREATE FUNCTION ledger_entries_forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger entries are immutable (% refused)', TG_OP USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE TRIGGER ledger_entries_immutable
    BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_entries_forbid_change();

CREATE TABLE payments (
    id                  uuid PRIMARY KEY,
    customer_id         uuid          NOT NULL REFERENCES customers (id),
    wallet_id           uuid          NULL REFERENCES wallets (id),
    amount              numeric(19,2) NOT NULL CHECK (amount > 0),
    currency            char(3)       NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    method              varchar(8)    NOT NULL CHECK (method IN ('Wallet', 'Card')),
    status              varchar(24)   NOT NULL CHECK (status IN ('Pending', 'Paid', 'Failed', 'PartiallyRefunded', 'Refunded')),
    refunded_amount     numeric(19,2) NOT NULL DEFAULT 0 CHECK (refunded_amount >= 0 AND refunded_amount <= amount),
    ledger_entry_id     uuid          NULL UNIQUE REFERENCES ledger_entries (id),
    description         varchar(500)  NOT NULL,
    external_reference  varchar(100)  NULL,
    gateway_reference   varchar(100)  NULL,
    failure_code        varchar(64)   NULL,
    created_at          timestamptz   NOT NULL,
    updated_at          timestamptz   NOT NULL,
    CONSTRAINT payments_wallet_method_check CHECK (method <> 'Wallet' OR wallet_id IS NOT NULL),
    -- A payment that moved a wallet names its ledger entry; one that moved none has no entry.
    CONSTRAINT payments_ledger_link_check CHECK (
        (wallet_id IS NULL AND ledger_entry_id IS NULL) OR
        (wallet_id IS NOT NULL AND (status IN ('Pending', 'Failed') OR ledger_entry_id IS NOT NULL)))
);

CREATE INDEX payments_customer_created_idx ON payments (customer_id, created_at DESC);
CREATE INDEX payments_wallet_idx ON payments (wallet_id) WHERE wallet_id IS NOT NULL;

CREATE TABLE api_keys (
    id           uuid PRIMARY KEY,
    name         varchar(200) NOT NULL,
    role         varchar(16)  NOT NULL CHECK (role IN ('Customer', 'Ops', 'Admin')),
    customer_id  uuid         NULL REFERENCES customers (id),
    key_hash     char(64)     NOT NULL UNIQUE,
    prefix       varchar(16)  NOT NULL,
    created_at   timestamptz  NOT NULL,
    revoked_at   timestamptz  NULL,
    CONSTRAINT api_keys_customer_role_check CHECK ((role = 'Customer') = (customer_id IS NOT NULL))
);

-- One row per (caller, key): the claim and the stored response commit together with the command's effect.
CREATE TABLE idempotency_keys (
    owner          varchar(100) NOT NULL,
    key            varchar(255) NOT NULL,
    request_hash   char(64)     NOT NULL,
    command        varchar(100) NOT NULL,
    response_json  text         NULL,
    created_at     timestamptz  NOT NULL,
    PRIMARY KEY (owner, key)
);

CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
