-- Orders paid from a wallet. The order, its Wallet payment and the payment's ledger entry are written in one
-- transaction; fulfilment (an outside call) comes after and either completes the order or fails it with the payment
-- refunded. Money rules are schema rules here too: the order's payment is its own (one order per payment, same
-- customer, wallet and amount), and no more can be returned than was paid.
CREATE TABLE orders (
    id                   uuid PRIMARY KEY,
    customer_id          uuid          NOT NULL REFERENCES customers (id),
    wallet_id            uuid          NOT NULL REFERENCES wallets (id),
    amount               numeric(19,2) NOT NULL CHECK (amount > 0),
    currency             char(3)       NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    description          varchar(500)  NOT NULL CHECK (length(btrim(description)) > 0),
    items                jsonb         NOT NULL DEFAULT '[]'::jsonb
                                       CHECK (jsonb_typeof(items) = 'array' AND jsonb_array_length(items) <= 50),
    status               varchar(16)   NOT NULL
                                       CHECK (status IN ('Pending', 'Paid', 'Completed', 'Failed', 'Cancelled', 'Returned')),
    payment_id           uuid          NULL UNIQUE REFERENCES payments (id),
    fulfilment_id        varchar(100)  NULL,
    failure_reason       varchar(500)  NULL,
    fulfilment_attempts  integer       NOT NULL DEFAULT 0 CHECK (fulfilment_attempts >= 0),
    returned_amount      numeric(19,2) NOT NULL DEFAULT 0 CHECK (returned_amount >= 0 AND returned_amount <= amount),
    created_at           timestamptz   NOT NULL,
    updated_at           timestamptz   NOT NULL,
    paid_at              timestamptz   NULL,
    -- Past Pending, an order has been paid: it names its payment and when.
    CONSTRAINT orders_paid_check CHECK (status = 'Pending' OR (payment_id IS NOT NULL AND paid_at IS NOT NULL)),
    -- Completed and Returned orders were fulfilled, so the service's id is known.
    CONSTRAINT orders_fulfilled_check CHECK (status NOT IN ('Completed', 'Returned') OR fulfilment_id IS NOT NULL),
    CONSTRAINT orders_failed_check CHECK (status <> 'Failed' OR failure_reason IS NOT NULL),
    CONSTRAINT orders_returned_check CHECK ((status = 'Returned') = (returned_amount = amount))
);

CREATE INDEX orders_customer_created_idx ON orders (customer_id, created_at DESC);
CREATE INDEX orders_created_idx ON orders (created_at DESC);
-- The recovery step's question: which orders have been Paid for too long?
CREATE INDEX orders_stuck_idx ON orders (paid_at) WHERE status = 'Paid';

-- The payment an order names must be that order's wallet payment: same customer, wallet, amount and currency.
CREATE FUNCTION orders_check_payment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM wallets w WHERE w.id = NEW.wallet_id AND w.customer_id = NEW.customer_id AND w.currency = NEW.currency) THEN
        RAISE EXCEPTION 'order %: wallet % is not customer %''s % wallet', NEW.id, NEW.wallet_id, NEW.customer_id, NEW.currency
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF NEW.payment_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM payments p
        WHERE p.id = NEW.payment_id AND p.method = 'Wallet' AND p.wallet_id = NEW.wallet_id
          AND p.customer_id = NEW.customer_id AND p.amount = NEW.amount AND p.currency = NEW.currency) THEN
        RAISE EXCEPTION 'order %: payment % is not a wallet payment of % % from wallet %',
            NEW.id, NEW.payment_id, NEW.amount, NEW.currency, NEW.wallet_id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER orders_payment_matches
    BEFORE INSERT OR UPDATE OF customer_id, wallet_id, amount, currency, payment_id ON orders
    FOR EACH ROW EXECUTE FUNCTION orders_check_payment();
