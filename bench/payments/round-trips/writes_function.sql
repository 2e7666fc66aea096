-- The payment's four writes (as own_payment.pgbench sends them) in one PL/pgSQL function, for own_writes_function.pgbench:
-- the experiment that asked whether PostgreSQL's cost per payment is per statement sent (it was not: see README.md here).
CREATE OR REPLACE FUNCTION bench_pay_write(p_lid uuid, p_pid uuid, p_wid uuid, p_cid uuid, p_bal numeric, p_seq bigint, p_spent numeric, p_wcreated timestamptz, p_ik text, p_resp text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE n int;
BEGIN
INSERT INTO ledger_entries (id, actor, amount, balance_after, balance_before, created_at, description, direction, reference_id, reference_type, sequence, type, wallet_id) VALUES (p_lid, 'key:00000000-0000-0000-0003-000000000001', 1.25, p_bal - 1.25, p_bal, now(), 'bench', 'Debit', p_pid, 'payment', p_seq + 1, 'Payment', p_wid);
INSERT INTO payments (id, amount, created_at, currency, customer_id, description, external_reference, failure_code, gateway_idempotency_key, gateway_mismatch, gateway_reference, hold_id, ledger_entry_id, method, refunded_amount, status, updated_at, wallet_id) VALUES (p_pid, 1.25, now(), 'ZAR', p_cid, 'bench', NULL, NULL, NULL, NULL, NULL, NULL, p_lid, 'Wallet', 0, 'Paid', now(), p_wid);
UPDATE wallets SET balance = p_bal - 1.25, created_at = p_wcreated, credit_limit = 0, currency = 'ZAR', customer_id = p_cid, held = 0, last_entry_at = now(), last_sequence = p_seq + 1, low_balance_threshold = NULL, spending_day = current_date, spent_on_spending_day = p_spent + 1.25, status = 'Active' WHERE id = p_wid;
GET DIAGNOSTICS n = ROW_COUNT; IF n <> 1 THEN RAISE EXCEPTION 'expected one wallet row, wrote %', n; END IF;
INSERT INTO idempotency_keys (owner, key, command, created_at, request_hash, response_json) VALUES ('key:00000000-0000-0000-0003-000000000001', p_ik, 'PayFromWalletCommand', now(), 'a3f1c2d4e5b6a7980a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6071', p_resp);
END $$;
