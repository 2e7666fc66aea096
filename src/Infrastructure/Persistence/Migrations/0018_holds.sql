-- Holds: money reserved on a wallet now and settled later (captured by one payment, voided, or expired). A hold moves
-- no money and writes no ledger entry; the wallet row keeps the running total of its Active holds (held), changed
-- under the wallet's row lock by the same transaction that places or ends a hold, so available funds
-- (balance + credit_limit - held) cost no SUM. The integrity check verifies held against the Active holds.
ALTER TABLE wallets
    ADD COLUMN held numeric(19,2) NOT NULL DEFAULT 0 CHECK (held >= 0);

CREATE TABLE holds (
    id               uuid PRIMARY KEY,
    wallet_id        uuid          NOT NULL REFERENCES wallets (id),
    customer_id      uuid          NOT NULL REFERENCES customers (id),
    amount           numeric(19,2) NOT NULL CHECK (amount > 0),
    currency         char(3)       NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    description      varchar(500)  NOT NULL CHECK (length(btrim(description)) > 0),
    reference        varchar(100)  NULL,
    status           varchar(16)   NOT NULL CHECK (status IN ('Active', 'Captured', 'Voided', 'Expired')),
    captured_amount  numeric(19,2) NOT NULL DEFAULT 0 CHECK (captured_amount >= 0 AND captured_amount <= amount),
    payment_id       uuid          NULL UNIQUE REFERENCES payments (id),
    expires_at       timestamptz   NOT NULL,
    spending_day     date          NOT NULL,
    actor            varchar(200)  NOT NULL,
    created_at       timestamptz   NOT NULL,
    updated_at       timestamptz   NOT NULL,
    closed_at        timestamptz   NULL,
    CONSTRAINT holds_expiry_check CHECK (expires_at > created_at),
    -- A captured hold names its payment and took something; an uncaptured one took nothing and names none.
    CONSTRAINT holds_capture_check CHECK (
        (status = 'Captured' AND payment_id IS NOT NULL AND captured_amount > 0) OR
        (status <> 'Captured' AND payment_id IS NULL AND captured_amount = 0)),
    CONSTRAINT holds_closed_check CHECK ((status = 'Active') = (closed_at IS NULL))
);

CREATE INDEX holds_wallet_created_idx ON holds (wallet_id, created_at DESC);
-- The expiry job's question: which Active holds are past their time?
CREATE INDEX holds_active_expiry_idx ON holds (expires_at) WHERE status = 'Active';

-- A payment made by capturing a hold names it (and the hold names the payment).
ALTER TABLE payments
    ADD COLUMN hold_id uuid NULL UNIQUE REFERENCES holds (id);
