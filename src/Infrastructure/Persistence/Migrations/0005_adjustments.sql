-- Admin corrections of a wallet. Each names the one ledger entry it caused (and that entry's reference names the
-- adjustment), so every manual movement is explainable; like the ledger, an adjustment is never edited.
CREATE TABLE adjustments (
    id               uuid PRIMARY KEY,
    wallet_id        uuid          NOT NULL REFERENCES wallets (id),
    direction        varchar(8)    NOT NULL CHECK (direction IN ('Credit', 'Debit')),
    amount           numeric(19,2) NOT NULL CHECK (amount > 0),
    reason           varchar(500)  NOT NULL CHECK (length(btrim(reason)) > 0),
    ledger_entry_id  uuid          NOT NULL UNIQUE REFERENCES ledger_entries (id),
    actor            varchar(200)  NOT NULL CHECK (length(btrim(actor)) > 0),
    created_at       timestamptz   NOT NULL
);

CREATE INDEX adjustments_wallet_created_idx ON adjustments (wallet_id, created_at DESC);

CREATE FUNCTION adjustments_forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'adjustments are immutable (% refused); correct one with a new adjustment', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE TRIGGER adjustments_immutable
    BEFORE UPDATE OR DELETE ON adjustments
    FOR EACH ROW EXECUTE FUNCTION adjustments_forbid_change();
