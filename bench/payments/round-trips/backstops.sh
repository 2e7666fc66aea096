#!/usr/bin/env bash
# Which of the schema's backstops PostgreSQL's time per payment goes to (see README.md here). With PG* pointing at a
# scratch cluster whose database `own` holds the API's migrations and ../own_seed.sql, and PGDATA at its data directory:
#   bash backstops.sh [rounds, default 2] [seconds per load, default 10]
# Makes three copies of `own` (once): own_nofk without the foreign keys of the payment and its ledger entry; own_noidx
# without the secondary indexes those rows and the key write (keeping primary keys, the (wallet_id, sequence) key and the
# unique ledger link); own_bare without both and without the check constraints of payments, ledger_entries and wallets.
# Then runs own_one_statement.pgbench on each in turn, alternating, with measure.sh.
set -euo pipefail
cd "$(dirname "$0")"
ROUNDS=${1:-2} T=${2:-10}
FKS="ALTER TABLE payments DROP CONSTRAINT payments_customer_id_fkey, DROP CONSTRAINT payments_hold_id_fkey,
       DROP CONSTRAINT payments_ledger_entry_id_fkey, DROP CONSTRAINT payments_wallet_id_fkey;
     ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_wallet_id_fkey;"
IDX="DROP INDEX payments_customer_created_idx, payments_wallet_idx, ledger_entries_reference_idx,
       ledger_entries_wallet_created_idx, idempotency_keys_created_idx;
     ALTER TABLE payments DROP CONSTRAINT payments_hold_id_key;"
CHECKS="DO \$\$ DECLARE c record; BEGIN
          FOR c IN SELECT conrelid::regclass AS t, conname FROM pg_constraint WHERE contype = 'c'
                   AND conrelid IN ('payments'::regclass, 'ledger_entries'::regclass, 'wallets'::regclass) LOOP
            EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', c.t, c.conname);
          END LOOP; END \$\$;"
copy() { # copy <name> <sql>
  if [[ "$(psql -Atc "SELECT count(*) FROM pg_database WHERE datname = '$1'" postgres)" == 0 ]]; then
    psql -qc "CREATE DATABASE $1 TEMPLATE own" postgres
    psql -q -v ON_ERROR_STOP=1 -c "$2" "$1"
  fi
}
copy own_nofk "$FKS"
copy own_noidx "$IDX"
copy own_bare "$FKS $IDX $CHECKS"
for _ in $(seq 1 "$ROUNDS"); do
  for db in own own_nofk own_noidx own_bare; do DB=$db SCRIPT=own_one_statement.pgbench bash measure.sh "$db" "$T"; done
done
