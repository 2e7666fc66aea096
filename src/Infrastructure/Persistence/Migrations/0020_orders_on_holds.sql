-- Orders on holds (issue 9). An order no longer debits first and refunds on failure: it is placed Fulfilling with its
-- amount held on the wallet (holds.order_id, 0019), then captured (Completed: one Payment entry) or voided (Failed: no
-- ledger entry). Pending and Paid no longer exist; this refuses to run on a database that has orders in them (there is
-- no production data; finish or delete such orders first).
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM orders WHERE status IN ('Pending', 'Paid')) THEN
        RAISE EXCEPTION 'migration 0020: % order(s) are Pending or Paid, states that no longer exist; settle them first',
            (SELECT count(*) FROM orders WHERE status IN ('Pending', 'Paid'));
    END IF;
END;
$$;

ALTER TABLE orders
    DROP CONSTRAINT orders_status_check,
    DROP CONSTRAINT orders_paid_check,
    ADD CONSTRAINT orders_status_check CHECK (status IN ('Fulfilling', 'Completed', 'Failed', 'Cancelled', 'Returned')),
    -- Until fulfilment asked for, and the node working on it (a lease claimed by a conditional UPDATE before every call
    -- to the fulfilment service, by the request and by recovery alike; also "not before" after an unclear answer).
    ADD COLUMN fulfilment_deadline timestamptz NULL,
    ADD COLUMN fulfilment_lease_until timestamptz NULL,
    ADD COLUMN fulfilment_lease_token uuid NULL;

UPDATE orders SET fulfilment_deadline = created_at + interval '1 hour';
ALTER TABLE orders ALTER COLUMN fulfilment_deadline SET NOT NULL;

ALTER TABLE orders
    -- A Fulfilling order has not been paid (its amount is held); a Completed, Cancelled or Returned one was paid by
    -- capturing its hold (Failed orders of the old debit-first design still name their refunded payment).
    ADD CONSTRAINT orders_paid_check CHECK (
        (status = 'Fulfilling' AND payment_id IS NULL AND paid_at IS NULL) OR
        (status IN ('Completed', 'Cancelled', 'Returned') AND payment_id IS NOT NULL AND paid_at IS NOT NULL) OR
        status = 'Failed'),
    -- Only a Fulfilling order has a lease.
    ADD CONSTRAINT orders_lease_check CHECK (status = 'Fulfilling' OR (fulfilment_lease_until IS NULL AND fulfilment_lease_token IS NULL)),
    ADD CONSTRAINT orders_deadline_check CHECK (fulfilment_deadline > created_at);

-- Recovery's question: which Fulfilling orders has nobody leased (or is their lease over)?
DROP INDEX orders_stuck_idx;
CREATE INDEX orders_fulfilling_lease_idx ON orders (fulfilment_lease_until) WHERE status = 'Fulfilling';
