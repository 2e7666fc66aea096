-- A wallet's ledger is ordered the same by sequence and by time (issue 8 §4): the wallet row keeps when its last entry
-- was stamped, and the aggregate never stamps a later entry earlier than that (it clamps to it). Backfilled with the
-- latest time each ledger holds, so no entry written after the upgrade can be stamped before one written earlier.
ALTER TABLE wallets ADD COLUMN last_entry_at timestamptz NULL;

UPDATE wallets w
SET last_entry_at = e.latest
FROM (SELECT wallet_id, max(created_at) AS latest FROM ledger_entries GROUP BY wallet_id) e
WHERE e.wallet_id = w.id;

-- The integrity check's ordered walk of the ledger now compares each entry's time with the one before it; carrying
-- created_at in the covering (wallet_id, sequence) index keeps that walk an index-only scan (see 0011).
ALTER TABLE ledger_entries
    ADD CONSTRAINT ledger_entries_wallet_sequence_covering_key UNIQUE (wallet_id, sequence)
        INCLUDE (direction, amount, balance_before, balance_after, created_at);
ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_wallet_sequence_key;
ALTER TABLE ledger_entries RENAME CONSTRAINT ledger_entries_wallet_sequence_covering_key TO ledger_entries_wallet_sequence_key;
