-- Seeds CleanWallet's own schema (database `own`, built by applying src/Infrastructure/Persistence/Migrations/*.sql in
-- order, as the API does) for the own-statements anchor (own_payment.pgbench): :nwallets customers, each with one ZAR
-- wallet of 1 000 000 000.00, numbered like the pgbench variable :w (wallet n = 00000000-0000-0000-0001-<n, 12 digits>).
INSERT INTO customers (id, name, billing_model, status, created_at)
SELECT ('00000000-0000-0000-0002-' || lpad(g::text, 12, '0'))::uuid, 'bench ' || g, 'Payg', 'Active', now()
FROM generate_series(1, :nwallets) g;
INSERT INTO wallets (id, customer_id, currency, balance, credit_limit, status, last_sequence, created_at)
SELECT ('00000000-0000-0000-0001-' || lpad(g::text, 12, '0'))::uuid, ('00000000-0000-0000-0002-' || lpad(g::text, 12, '0'))::uuid,
       'ZAR', 1000000000, 0, 'Active', 0, now()
FROM generate_series(1, :nwallets) g;
VACUUM ANALYZE;
