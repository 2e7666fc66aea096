-- Card charges are two-phase (issue 8 §1): the payment is committed Pending with the key the card processor knows the
-- charge by, the processor is called with nothing open, and the outcome is recorded in a second transaction. A payment
-- left Pending is reconciled by asking the processor about that key.

ALTER TABLE payments
    ADD COLUMN gateway_idempotency_key varchar(100) NULL,
    ADD COLUMN gateway_mismatch        varchar(500) NULL,
    -- Only card payments talk to the processor.
    ADD CONSTRAINT payments_gateway_key_card_check CHECK (method = 'Card' OR gateway_idempotency_key IS NULL),
    -- A charge the processor reports differently from the payment is never completed automatically.
    ADD CONSTRAINT payments_gateway_mismatch_unpaid_check CHECK (gateway_mismatch IS NULL OR status IN ('Pending', 'Failed'));

-- One key per payment, never reused with another amount or wallet.
CREATE UNIQUE INDEX payments_gateway_idempotency_key_key ON payments (gateway_idempotency_key) WHERE gateway_idempotency_key IS NOT NULL;

-- What the reconciliation job looks for: card payments still Pending, oldest first.
CREATE INDEX payments_pending_card_idx ON payments (created_at, id) WHERE status = 'Pending' AND method = 'Card';

-- The built-in simulated card processor (used when CardGateway:BaseUrl is empty) keeps what it charged and refunded here,
-- through its own connection and outside any command transaction, as a real processor would on its side: a lookup by
-- key works after a restart and from any node.
CREATE TABLE simulated_card_operations (
    idempotency_key  varchar(200)  PRIMARY KEY,
    kind             varchar(8)    NOT NULL CHECK (kind IN ('charge', 'refund')),
    approved         boolean       NOT NULL,
    reference        varchar(100)  NULL,
    decline_code     varchar(64)   NULL,
    amount           numeric(19,2) NOT NULL,
    currency         char(3)       NOT NULL,
    created_at       timestamptz   NOT NULL DEFAULT now()
);
