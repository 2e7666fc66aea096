-- A hold may reserve an order's amount (orders on holds): the order captures it when fulfilment succeeds and voids it
-- when fulfilment definitely fails. One hold per order at most; a hold names its order, so the holds API can refuse to
-- settle it behind the order's back and the expiry job can leave it to the order's recovery.
ALTER TABLE holds
    ADD COLUMN order_id uuid NULL UNIQUE REFERENCES orders (id);

-- The expiry job releases only holds that no order owns.
DROP INDEX holds_active_expiry_idx;
CREATE INDEX holds_active_expiry_idx ON holds (expires_at) WHERE status = 'Active' AND order_id IS NULL;
