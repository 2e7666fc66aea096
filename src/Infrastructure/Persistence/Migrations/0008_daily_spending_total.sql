-- The daily debit limit reads a running total on the wallet row (kept under its row lock) instead of summing the
-- day's ledger on every debit. Backfilled from today's ledger so the limit holds across the upgrade.
ALTER TABLE wallets
    ADD COLUMN spending_day date NULL,
    ADD COLUMN spent_on_spending_day numeric(19,2) NOT NULL DEFAULT 0 CHECK (spent_on_spending_day >= 0);

UPDATE wallets w
SET spending_day = (now() AT TIME ZONE 'UTC')::date,
    spent_on_spending_day = s.spent
FROM (
    SELECT wallet_id, sum(amount) AS spent
    FROM ledger_entries
    WHERE type IN ('Payment', 'TransferOut')
      AND created_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
    GROUP BY wallet_id
) s
WHERE s.wallet_id = w.id;
