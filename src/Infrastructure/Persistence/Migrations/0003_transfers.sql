-- Wallet-to-wallet transfers. A transfer names its two ledger entries (TransferOut on the source, TransferIn on
-- the destination) and each entry's reference names the transfer; the trigger below checks that pairing, so no
-- code path can record a transfer whose money did not move exactly as it says.
CREATE TABLE transfers (
    id              uuid PRIMARY KEY,
    from_wallet_id  uuid          NOT NULL REFERENCES wallets (id),
    to_wallet_id    uuid          NOT NULL REFERENCES wallets (id),
    amount          numeric(19,2) NOT NULL CHECK (amount > 0),
    currency        char(3)       NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    description     varchar(500)  NOT NULL,
    out_entry_id    uuid          NOT NULL UNIQUE REFERENCES ledger_entries (id),
    in_entry_id     uuid          NOT NULL UNIQUE REFERENCES ledger_entries (id),
    actor           varchar(200)  NOT NULL,
    created_at      timestamptz   NOT NULL,
    CONSTRAINT transfers_distinct_wallets_check CHECK (from_wallet_id <> to_wallet_id),
    CONSTRAINT transfers_distinct_entries_check CHECK (out_entry_id <> in_entry_id)
);

CREATE INDEX transfers_from_wallet_created_idx ON transfers (from_wallet_id, created_at DESC);
CREATE INDEX transfers_to_wallet_created_idx ON transfers (to_wallet_id, created_at DESC);
CREATE INDEX transfers_created_idx ON transfers (created_at DESC);

-- The entries are inserted first (the transfer's foreign keys point at them), so they can be checked here.
CREATE FUNCTION transfers_check_entries() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM ledger_entries e JOIN wallets w ON w.id = e.wallet_id
        WHERE e.id = NEW.out_entry_id AND e.wallet_id = NEW.from_wallet_id AND e.type = 'TransferOut'
          AND e.amount = NEW.amount AND e.reference_type = 'transfer' AND e.reference_id = NEW.id
          AND w.currency = NEW.currency) THEN
        RAISE EXCEPTION 'transfer %: out entry % is not a TransferOut of % % from wallet % referencing it',
            NEW.id, NEW.out_entry_id, NEW.amount, NEW.currency, NEW.from_wallet_id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF NOT EXISTS (
        SELECT 1 FROM ledger_entries e JOIN wallets w ON w.id = e.wallet_id
        WHERE e.id = NEW.in_entry_id AND e.wallet_id = NEW.to_wallet_id AND e.type = 'TransferIn'
          AND e.amount = NEW.amount AND e.reference_type = 'transfer' AND e.reference_id = NEW.id
          AND w.currency = NEW.currency) THEN
        RAISE EXCEPTION 'transfer %: in entry % is not a TransferIn of % % to wallet % referencing it',
            NEW.id, NEW.in_entry_id, NEW.amount, NEW.currency, NEW.to_wallet_id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER transfers_entries_match
    BEFORE INSERT ON transfers
    FOR EACH ROW EXECUTE FUNCTION transfers_check_entries();

-- Like the ledger it explains, a transfer is never edited or removed: a correction is a new movement.
CREATE FUNCTION transfers_forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'transfers are immutable (% refused)', TG_OP USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE TRIGGER transfers_immutable
    BEFORE UPDATE OR DELETE ON transfers
    FOR EACH ROW EXECUTE FUNCTION transfers_forbid_change();
