-- Money given back on a payment. The payment row carries the refunded total (CHECK refunded_amount <= amount);
-- each refund is kept here, insert-only, naming where the money went.
CREATE TABLE refunds (
    id                 uuid PRIMARY KEY,
    payment_id         uuid          NOT NULL REFERENCES payments (id),
    amount             numeric(19,2) NOT NULL CHECK (amount > 0),
    reason             varchar(500)  NOT NULL CHECK (length(btrim(reason)) > 0),
    -- The Refund entry that credited a wallet payment's wallet; none for a refund to a card.
    ledger_entry_id    uuid          NULL UNIQUE REFERENCES ledger_entries (id),
    -- The card processor's reference of a refund to a card.
    gateway_reference  varchar(100)  NULL,
    actor              varchar(200)  NOT NULL CHECK (length(btrim(actor)) > 0),
    created_at         timestamptz   NOT NULL,
    CONSTRAINT refunds_one_destination_check CHECK (ledger_entry_id IS NULL OR gateway_reference IS NULL)
);

CREATE INDEX refunds_payment_created_idx ON refunds (payment_id, created_at);

-- The refunds of a payment never add up to more than was paid, whoever inserts them. The payment row is locked
-- first, so two concurrent inserts for one payment cannot both pass on sums that miss each other.
CREATE FUNCTION refunds_within_payment() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    paid numeric(19,2);
    refunded numeric(19,2);
BEGIN
    SELECT amount INTO paid FROM payments WHERE id = NEW.payment_id FOR UPDATE;
    SELECT coalesce(sum(amount), 0) INTO refunded FROM refunds WHERE payment_id = NEW.payment_id;
    IF refunded > paid THEN
        RAISE EXCEPTION 'refunds of payment % would total %, more than the % paid', NEW.payment_id, refunded, paid
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER refunds_within_payment
    AFTER INSERT ON refunds
    FOR EACH ROW EXECUTE FUNCTION refunds_within_payment();

-- Refunds are facts: a mistaken one is corrected by a new movement, never by editing this one.
CREATE FUNCTION refunds_forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'refunds are immutable (% refused)', TG_OP USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE TRIGGER refunds_immutable
    BEFORE UPDATE OR DELETE ON refunds
    FOR EACH ROW EXECUTE FUNCTION refunds_forbid_change();
