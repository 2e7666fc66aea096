-- Incremental integrity checks (issue 12). A checkpoint records, per wallet, the last ledger entry a check proved: the
-- wallet's entries 1…sequence were gapless, chained from 0.00, arithmetically sound, ordered in time, explained by their
-- records, and summed to balance_after. ledger_entries is append-only (a trigger, 0007) and (wallet_id, sequence) unique,
-- so every entry that check did not see has a sequence above the checkpoint: the next incremental check walks only
-- those, starting the chain from (sequence, balance_after, entry_created_at). Written by a check, in its own
-- transaction and snapshot, only for the wallets it found without any issue; a wallet with an issue loses its checkpoint
-- (its next check walks it whole). report_id names the report of that check (written just after, so no foreign key).
-- No foreign key to wallets either: checking it would take a KEY SHARE lock on the wallet row from the check's
-- REPEATABLE READ snapshot, which waits behind a payment holding the row and can fail on its concurrent update; wallets
-- are never deleted (their ledger's foreign key forbids it).
CREATE TABLE integrity_checkpoints (
    wallet_id        uuid PRIMARY KEY,
    sequence         bigint NOT NULL CHECK (sequence > 0),
    balance_after    numeric(19, 2) NOT NULL,
    entry_created_at timestamptz NOT NULL,
    checked_at       timestamptz NOT NULL,
    report_id        uuid NOT NULL
);

-- Full: every wallet walked from its first entry and every record checked; Incremental: ledger walks and entry links
-- from the checkpoints (the other checks run whole either way). Reports before this migration were all full, and so
-- is one written without a mode.
ALTER TABLE integrity_reports
    ADD COLUMN mode varchar(16) NOT NULL DEFAULT 'Full' CHECK (mode IN ('Full', 'Incremental'));

-- The scheduled job asks when the last full check started, to decide whether this one is full.
CREATE INDEX integrity_reports_full_started_idx ON integrity_reports (started_at DESC) WHERE mode = 'Full';
