#!/usr/bin/env bash
# One pgbench load of a payment script on the `own` database of a running scratch cluster, with PostgreSQL's CPU per
# payment (postmaster and its children, after pgbench's backends are gone). Usage, with PG* pointing at the cluster and
# PGDATA at its data directory:  [DB=<database, default own>] SCRIPT=<file.pgbench> bash measure.sh <label> [seconds]
set -euo pipefail
PM=$(head -n 1 "$PGDATA/postmaster.pid")
ticks() {
  local t p
  t=$(awk '{print $14+$15+$16+$17}' "/proc/$PM/stat")
  for p in $(cat /proc/[0-9]*/stat 2>/dev/null | awk -v p="$PM" '$4 == p {print $1}'); do
    t=$((t + $(awk '{print $14+$15+$16+$17}' "/proc/$p/stat" 2>/dev/null || echo 0)))
  done
  echo "$t"
}
T=${2:-10}
t0=$(ticks)
out=$(pgbench -n -M prepared -c 32 -j 2 -T "$T" -D nwallets=1000 -f "${SCRIPT:?SCRIPT=<file.pgbench>}" ${DB:-own} 2>&1)
for _ in $(seq 1 50); do [[ "$(psql -Atc "SELECT count(*) FROM pg_stat_activity WHERE datname = '${DB:-own}'" postgres)" == 0 ]] && break; sleep 0.1; done
sleep 0.2
t1=$(ticks)
tps=$(sed -n 's/^tps = \([0-9.]*\) (without.*/\1/p' <<<"$out")
echo "$1 tps=$tps pg_ms_per_payment=$(python3 -c "print(round(($t1 - $t0) * 1000 / $(getconf CLK_TCK) / ($tps * $T), 3))") load=$(cut -d' ' -f1 /proc/loadavg)"
