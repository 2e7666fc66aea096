#!/usr/bin/env bash
# Payment-throughput benchmark (issue 13): the CleanWallet API against raw-SQL anchors on the same PostgreSQL, in one run.
#
#   bash bench/run-payments.sh [--duration N] [--warmup N] [--wallets N] [--profile] [--skip-build]
#
# One run:
#  1. builds src/Api in Release;
#  2. starts its own PostgreSQL cluster (the newest /usr/lib/postgresql/*/bin, as the postgres user, default and durable
#     settings: fsync on, shared_buffers 128 MB, max_connections 100) on 127.0.0.1 in a throwaway directory;
#  3. runs the pgbench anchors of bench/perf-anchor/ (byte-identical copies of ../shared/perf-anchor/) in database
#     `anchor`: the one-call function and the 7-round-trip script, `-n -M prepared -c 32 -j 2 -T N`, for N wallets and
#     for one hot wallet; then the API's own payment statements on the API's own schema with no API in between
#     (bench/payments/own_payment.pgbench in database `own`, built from the API's migrations): the schema's ceiling;
#  4. starts the API (Release build, ASPNETCORE_ENVIRONMENT=Production, default log level: one Information line per
#     request to the console, which goes to a file) against database `cleanwallet` on the same server, seeds N+1
#     customers through the real API (each with its own customer API key and wallet, funded by an admin credit
#     adjustment), and drives it with wrk (bench/payments/wrk.lua, 32 connections, 2 threads, loopback):
#       - POST /api/v1/wallets/{id}/payments over N wallets, then on one hot wallet (closed loop, peak);
#       - the same over N wallets paced at half the measured peak (for p99 at a given rate);
#       - GET /api/v1/wallets/{id} and GET /api/v1/wallets/{id}/transactions (first page) over N wallets;
#     every payment with its own Idempotency-Key and the wallet owner's key; the API's VmRSS is sampled every second;
#  5. checks the money: the integrity check through the API (POST /api/v1/admin/integrity-checks) must find nothing,
#     every wallet's balance must equal its ledger sum, and the wallet payments in the database must equal the 201s
#     the API logged (wrk's own count of 201s misses at most the requests in flight when each run is cut off);
#  6. prints the table and writes it to bench/results/payments-<UTC time>.md.
# --profile additionally runs one more N-wallet payment load while dotnet-trace (cpu-sampling) and dotnet-counters
# (System.Runtime: GC, thread pool, allocation rate) record the API, and summarises the trace (bench/payments/
# trace_top.py on a speedscope conversion, plus `dotnet-trace report topN`). Its figures are not in the table.
#
# Rate limiter: the API's fixed window stays on (RateLimiting:PermitsPerMinute per API key); the benchmark raises the
# limit with RateLimiting__PermitsPerMinute (default here 10000000, override with BENCH_PERMITS_PER_MINUTE) so that a
# single hot wallet's key is not throttled; authentication and every other check stay as in production.
# Knobs: BENCH_DURATION (seconds per load, default 20), BENCH_WARMUP (seconds of payments first, at least: then 5 s more at a
# time until the JIT is quiet, BENCH_WARMUP_QUIET_MS / BENCH_WARMUP_MAX; default 20), BENCH_WALLETS (default 1000), BENCH_API_PORT (5098),
# BENCH_PG_PORT (55499), BENCH_SKIP_BUILD=1, BENCH_WAIT_LOAD / BENCH_WAIT_MAX (wait for a quieter machine first).
set -euo pipefail

SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd -- "$SCRIPT_DIR/.." && pwd)"
cd "$REPO_ROOT"

DURATION="${BENCH_DURATION:-20}"
WARMUP="${BENCH_WARMUP:-20}"
NWALLETS="${BENCH_WALLETS:-1000}"
API_PORT="${BENCH_API_PORT:-5098}"
PG_PORT="${BENCH_PG_PORT:-55499}"
PERMITS="${BENCH_PERMITS_PER_MINUTE:-10000000}"
PROFILE=0
SKIP_BUILD="${BENCH_SKIP_BUILD:-0}"
# BENCH_QUICK=1: for trying a change, not for the README: no anchors, and only the warm-up and the two peak payment loads.
# BENCH_QUICK=reads: no anchors; the payment warm-up (so wallets have history), 5 s of each read to warm it up, then
# only get_wallet and get_history, and a short table of the reads. BENCH_PERF=1 (with either quick mode) records the API with
# `perf record -F 999 -g` during one more load of each read, or of payments (DOTNET_PerfMapEnabled=1 resolves JIT frames), and writes
# bench/results/payments-<time>-perf-<load>.txt (perf report, top symbols, children and self).
# BENCH_QUICK=transfers: no anchors; the payment warm-up (so the API holds a copy of every wallet), transfers warmed
# up until the JIT is quiet, then one load of transfers between random wallets (POST /api/v1/transfers, the source's
# owner's key), and a short table. With Transactions__WalletSnapshots=false in the environment, every transfer reads
# both wallets under their locks first: the side-by-side comparison for transfers from copies.
QUICK="${BENCH_QUICK:-0}"
READS=0
TRANSFERS=0
if [[ "$QUICK" == reads ]]; then READS=1; QUICK=1; fi
if [[ "$QUICK" == transfers ]]; then TRANSFERS=1; QUICK=1; fi
PERF="${BENCH_PERF:-0}"
# BENCH_SYSCALLS=1 (with either quick mode): one more load of each read, or of payments, while `perf trace -s` counts the
# API's system calls; writes bench/results/payments-<time>-syscalls-<load>.txt (calls per request by name, and the total).
SYSCALLS="${BENCH_SYSCALLS:-0}"
# BENCH_PG_STATEMENTS=1: PostgreSQL loads pg_stat_statements (a little slower, so not for the README's table); the
# statistics are reset before the 1 000-wallet payment load (and each read load of BENCH_QUICK=reads) and written
# afterwards, per request, to bench/results/payments-<time>-statements-<load>.txt: which statements the API sends, how
# often, and where PostgreSQL's time goes.
PG_STATEMENTS="${BENCH_PG_STATEMENTS:-0}"
ANCHOR_fn_many=0 ANCHOR_rt_many=0 ANCHOR_fn_hot=0 ANCHOR_rt_hot=0 ANCHOR_own_many=0 ANCHOR_own_hot=0
ANCHORLAT_fn_many=0 ANCHORLAT_rt_many=0 ANCHORLAT_fn_hot=0 ANCHORLAT_rt_hot=0 ANCHORLAT_own_many=0 ANCHORLAT_own_hot=0 HALF=0
CONNS=32
THREADS=2
while (($#)); do
  case "$1" in
    --duration) DURATION="$2"; shift 2 ;;
    --wallets) NWALLETS="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --profile) PROFILE=1; shift ;;
    --skip-build) SKIP_BUILD=1; shift ;;
    -h|--help) sed -n '2,34p' "$0"; exit 0 ;;
    *) echo "run-payments: unknown argument $1" >&2; exit 2 ;;
  esac
done

RESULTS_DIR="$SCRIPT_DIR/results"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
OUT_MD="$RESULTS_DIR/payments-$STAMP.md"
RAW="$RESULTS_DIR/payments-$STAMP.raw"
API_LOG="$RESULTS_DIR/payments-api-$STAMP.log"
ANCHOR_DIR="$SCRIPT_DIR/perf-anchor"
LUA="$SCRIPT_DIR/payments/wrk.lua"
API_URL="http://127.0.0.1:$API_PORT"
ADMIN_KEY="bench-admin-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
WORK="$(mktemp -d /var/tmp/cw-payments.XXXXXX)"
PGDATA_DIR="$WORK/data"
API_PID=""
PG_STARTED=0
RSS_PID=""
mkdir -p "$RESULTS_DIR"
: >"$RAW"

log() { printf 'run-payments: %s\n' "$*" >&2; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

PGBIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
[[ -x "$PGBIN/initdb" ]] || { log "no PostgreSQL server binaries under /usr/lib/postgresql"; exit 1; }
command -v runuser >/dev/null || { log "runuser (util-linux) is needed: PostgreSQL runs as the postgres user"; exit 1; }
id postgres >/dev/null 2>&1 || { log "no postgres user"; exit 1; }
if ! command -v wrk >/dev/null; then
  if [[ "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null; then
    log "installing wrk (apt-get)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends wrk >/dev/null \
      || { apt-get update -y >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends wrk >/dev/null; }
  else
    log "wrk is needed: apt-get install wrk"; exit 1
  fi
fi

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  [[ -n "$RSS_PID" ]] && kill "$RSS_PID" 2>/dev/null || true
  if [[ -n "$API_PID" ]] && kill -0 "$API_PID" 2>/dev/null; then
    kill -TERM "$API_PID" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$API_PID" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$API_PID" 2>/dev/null && kill -KILL "$API_PID" 2>/dev/null || true
  fi
  if ((PG_STARTED)); then
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -m fast -w stop >/dev/null 2>&1 || true
  fi
  # PostgreSQL's log (checkpoints are logged by default): to tell a slow load's cause afterwards.
  [[ -n "${RESULTS_DIR:-}" && -n "${STAMP:-}" ]] && cp "$WORK/server.log" "$RESULTS_DIR/payments-$STAMP-postgres.log" 2>/dev/null || true
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

psql_q() { psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -X -q -v ON_ERROR_STOP=1 "$@"; }

# --- 1. build -------------------------------------------------------------------------------------------------------
if [[ "$SKIP_BUILD" != "1" ]]; then
  log "building src/Api (Release)..."
  dotnet build src/Api -c Release -nologo -v q
fi
API_DIR="$REPO_ROOT/src/Api/bin/Release/net10.0"
[[ -f "$API_DIR/CleanWallet.Api.dll" ]] || { log "$API_DIR/CleanWallet.Api.dll not found"; exit 1; }

# Other work on the machine skews every figure: BENCH_WAIT_LOAD=X waits (at most BENCH_WAIT_MAX s, default 900) until
# the 1-minute load average is below X before measuring.
if [[ -n "${BENCH_WAIT_LOAD:-}" ]]; then
  waited=0
  while awk -v l="$(cut -d' ' -f1 /proc/loadavg)" -v x="$BENCH_WAIT_LOAD" 'BEGIN { exit !(l >= x) }' \
        && ((waited < ${BENCH_WAIT_MAX:-900})); do
    ((waited % 60 == 0)) && log "waiting for a load average below $BENCH_WAIT_LOAD (now $(loadavg))"
    sleep 5; waited=$((waited + 5))
  done
fi

# --- 2. PostgreSQL -----------------------------------------------------------------------------------------------------
log "machine: $(nproc) cores; load average at start $(loadavg)"
chown postgres "$WORK"
runuser -u postgres -- "$PGBIN/initdb" -D "$PGDATA_DIR" -U postgres --auth=trust -E UTF8 --no-instructions >/dev/null
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -l "$WORK/server.log" -w \
  -o "-p $PG_PORT -k $WORK -c listen_addresses=127.0.0.1$( [[ "$PG_STATEMENTS" == 1 ]] && echo ' -c shared_preload_libraries=pg_stat_statements -c track_io_timing=on')" start >/dev/null
PG_STARTED=1
PG_VERSION="$(psql_q -d postgres -Atc 'SHOW server_version')"
log "PostgreSQL $PG_VERSION on 127.0.0.1:$PG_PORT (default settings; fsync=$(psql_q -d postgres -Atc 'SHOW fsync'), \
synchronous_commit=$(psql_q -d postgres -Atc 'SHOW synchronous_commit'), shared_buffers=$(psql_q -d postgres -Atc 'SHOW shared_buffers'))"
psql_q -d postgres -c 'CREATE DATABASE anchor' -c 'CREATE DATABASE cleanwallet'
PG_POSTMASTER="$(head -n 1 "$PGDATA_DIR/postmaster.pid")"

# CPU ticks of a process (utime+stime+cutime+cstime) and of PostgreSQL (postmaster plus its live children).
proc_ticks() { awk '{print $14+$15+$16+$17}' "/proc/$1/stat" 2>/dev/null || echo 0; }
pg_ticks() {
  local total pid
  total=$(proc_ticks "$PG_POSTMASTER")
  for pid in $(cat /proc/[0-9]*/stat 2>/dev/null | awk -v p="$PG_POSTMASTER" '$4 == p {print $1}'); do
    total=$((total + $(proc_ticks "$pid")))
  done
  echo "$total"
}
HZ="$(getconf CLK_TCK)"
# pgbench's backends end when it disconnects; until the postmaster has reaped them their CPU is in neither their own
# /proc entry nor the postmaster's children's total, and pg_ticks undercounts (by half, in a check on this machine).
backends_gone() { # database
  local _
  for _ in $(seq 1 50); do
    [[ "$(psql_q -d postgres -Atc "SELECT count(*) FROM pg_stat_activity WHERE datname = '$1'")" == 0 ]] && break
    sleep 0.1
  done
  sleep 0.2
}

# --- 3. anchors ------------------------------------------------------------------------------------------------------
# pgbench prints "tps = X (without initial connection time)" and "latency average = Y ms".
run_anchor() { # name nwallets script [database]
  local name=$1 n=$2 script=$3 db=${4:-anchor} out
  local pg0; pg0=$(pg_ticks)
  out="$(pgbench -h 127.0.0.1 -p "$PG_PORT" -U postgres -n -M prepared -c $CONNS -j $THREADS -T "$DURATION" \
    -D nwallets="$n" -f "$script" "$db" 2>&1)" || { log "pgbench failed: $out"; exit 1; }
  backends_gone "$db"
  local pg1; pg1=$(pg_ticks)
  local tps lat failed
  tps="$(sed -n 's/^tps = \([0-9.]*\) (without.*/\1/p' <<<"$out")"
  lat="$(sed -n 's/^latency average = \([0-9.]*\) ms/\1/p' <<<"$out")"
  failed="$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' <<<"$out")"
  echo "anchor $name n=$n tps=$tps lat_avg_ms=$lat failed=${failed:-0} pg_cpu_pct=$(( (pg1 - pg0) * 100 / HZ / DURATION )) load=$(loadavg | tr ' ' '/')" | tee -a "$RAW" >&2
  printf -v "ANCHOR_${name}" '%s' "$tps"
  printf -v "ANCHORLAT_${name}" '%s' "$lat"
}
if ((! QUICK)); then
log "anchors: $NWALLETS wallets"
psql_q -d anchor -v nwallets="$NWALLETS" -f "$ANCHOR_DIR/schema.sql" >/dev/null
psql_q -d anchor -f "$ANCHOR_DIR/payment_fn.sql" >/dev/null
run_anchor fn_many "$NWALLETS" "$ANCHOR_DIR/payment_fn.pgbench"
run_anchor rt_many "$NWALLETS" "$ANCHOR_DIR/payment.pgbench"
log "anchors: 1 hot wallet"
psql_q -d anchor -v nwallets=1 -f "$ANCHOR_DIR/schema.sql" >/dev/null
psql_q -d anchor -f "$ANCHOR_DIR/payment_fn.sql" >/dev/null
run_anchor fn_hot 1 "$ANCHOR_DIR/payment_fn.pgbench"
run_anchor rt_hot 1 "$ANCHOR_DIR/payment.pgbench"
# The anchor's tables are dropped so they take no cache or autovacuum from the API's run.
psql_q -d postgres -c 'DROP DATABASE anchor' >/dev/null
# The third anchor: the API's own statements for a payment on the API's own schema (its migrations, applied in order
# as the API applies them), sent by pgbench: what any client of this schema could reach, with no service in between.
own_schema() { # nwallets
  psql_q -d postgres -c 'DROP DATABASE IF EXISTS own' -c 'CREATE DATABASE own' >/dev/null
  local f
  for f in $(ls "$REPO_ROOT"/src/Infrastructure/Persistence/Migrations/*.sql | sort); do psql_q -d own -f "$f" >/dev/null; done
  psql_q -d own -v nwallets="$1" -f "$SCRIPT_DIR/payments/own_seed.sql" >/dev/null
  # 5 s unmeasured first: on a fresh schema the first seconds ran at half the later rate (caches, first index pages).
  pgbench -h 127.0.0.1 -p "$PG_PORT" -U postgres -n -M prepared -c $CONNS -j $THREADS -T 5 -D nwallets="$1" \
    -f "$SCRIPT_DIR/payments/own_payment.pgbench" own >/dev/null 2>&1 || { log "pgbench failed on the own-statements anchor"; exit 1; }
}
log "anchor: the API's own statements, $NWALLETS wallets and 1 hot wallet"
own_schema "$NWALLETS"
run_anchor own_many "$NWALLETS" "$SCRIPT_DIR/payments/own_payment.pgbench" own
own_schema 1
run_anchor own_hot 1 "$SCRIPT_DIR/payments/own_payment.pgbench" own
psql_q -d postgres -c 'DROP DATABASE own' >/dev/null
fi

# --- 4. the API ------------------------------------------------------------------------------------------------------
log "starting the API (Release, Production) on $API_URL; log: $API_LOG"
(
  cd "$API_DIR"
  exec env ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS="$API_URL" DOTNET_PerfMapEnabled="$PERF" $( [[ "$PERF" == 1 ]] && echo DOTNET_EnableWriteXorExecute=0 ) \
    ConnectionStrings__Wallet="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=cleanwallet" \
    Auth__BootstrapAdminKey="$ADMIN_KEY" RateLimiting__PermitsPerMinute="$PERMITS" \
    dotnet CleanWallet.Api.dll
) </dev/null >"$API_LOG" 2>&1 &
API_PID=$!
for i in $(seq 1 120); do
  [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$API_URL/health/ready" || true)" == 200 ]] && break
  kill -0 "$API_PID" 2>/dev/null || { log "the API exited"; tail -n 40 "$API_LOG" >&2; exit 1; }
  ((i == 120)) && { log "the API was not ready after 120 s"; tail -n 40 "$API_LOG" >&2; exit 1; }
  sleep 1
done
log "API ready (pid $API_PID)"

log "seeding $NWALLETS wallets + 1 hot wallet through the API..."
python3 "$SCRIPT_DIR/payments/seed.py" "$API_URL" "$ADMIN_KEY" "$NWALLETS" 500000 "$WORK/wallets.txt" bench >&2
python3 "$SCRIPT_DIR/payments/seed.py" "$API_URL" "$ADMIN_KEY" 1 500000 "$WORK/hot.txt" hot >&2
psql_q -d cleanwallet -c 'VACUUM ANALYZE' >/dev/null

# Samples the API's VmRSS (kB) once a second into a file while a load runs.
rss_start() { : >"$WORK/rss"; (while :; do awk '/^VmRSS/ {print $2}' "/proc/$API_PID/status" >>"$WORK/rss" 2>/dev/null; sleep 1; done) & RSS_PID=$!; }
rss_stop() { kill "$RSS_PID" 2>/dev/null || true; wait "$RSS_PID" 2>/dev/null || true; RSS_PID=""; sort -n "$WORK/rss" | tail -n 1; }
hwm() { awk '/^VmHWM/ {print $2}' "/proc/$API_PID/status"; }

# Checkpoints PostgreSQL has begun (timed or requested): a load during which one ran has it in its raw line.
checkpoints() { psql_q -d postgres -Atc 'SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter' 2>/dev/null || echo 0; }
WRK_RUNS=0
# wrk_run <label> <mode> <wallet file> <rate> <duration>: prints the CWRESULT line, records it with CPU, memory and the
# checkpoints begun during the load.
wrk_run() {
  local label=$1 mode=$2 file=$3 rate=$4 dur=$5 out line
  local api0 pg0 api1 pg1 cl0 cl1
  rss_start
  local ck0 ck1
  ck0=$(checkpoints)
  api0=$(proc_ticks "$API_PID"); pg0=$(pg_ticks); cl0=$(awk '{print $16+$17}' /proc/$$/stat)
  # The run's name starts every Idempotency-Key wrk sends: one per wrk invocation (a label can run several times, as
  # the warm-up's slices do), or a later slice would repeat an earlier one's keys and be answered with replays.
  WRK_RUNS=$((WRK_RUNS + 1))
  out="$(CW_MODE="$mode" CW_WALLETS="$file" CW_RUN="$label-$WRK_RUNS-$STAMP" CW_RATE="$rate" CW_THREADS=$THREADS \
    wrk -t $THREADS -c $CONNS -d "${dur}s" --timeout 10s -s "$LUA" "$API_URL" 2>&1)" || { log "wrk failed: $out"; exit 1; }
  api1=$(proc_ticks "$API_PID"); pg1=$(pg_ticks); cl1=$(awk '{print $16+$17}' /proc/$$/stat)
  ck1=$(checkpoints)
  local rss; rss=$(rss_stop)
  line="$(grep '^CWRESULT' <<<"$out" | head -n 1)"
  [[ -n "$line" ]] || { log "wrk printed no result: $out"; exit 1; }
  line="$line label=$label rate_target=$rate rss_max_kb=${rss:-0} hwm_kb=$(hwm) api_cpu_pct=$(( (api1 - api0) * 100 / HZ / dur )) pg_cpu_pct=$(( (pg1 - pg0) * 100 / HZ / dur )) wrk_cpu_pct=$(( (cl1 - cl0) * 100 / HZ / dur )) checkpoints=$((ck1 - ck0)) load=$(loadavg | tr ' ' '/')"
  echo "$line" >>"$RAW"
  echo "$line" >&2
}
field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$(grep " label=$1 " "$RAW" | tail -n 1) "; }
rps() { awk -v r="$(field "$1" "${2:-s201}")" -v d="$(field "$1" duration_us)" 'BEGIN { printf "%.0f", (r == "" ? 0 : r) / (d / 1e6) }'; }
ms() { awk -v u="$(field "$1" "$2")" 'BEGIN { printf (u < 10000 ? "%.1f" : "%.0f"), u / 1000 }'; }

# perf_load <wrk mode> <name>: one more load of that kind while `perf record` samples the API (BENCH_PERF=1); writes
# bench/results/payments-<time>-perf-<name>.txt (perf report: top symbols, self and children).
perf_load() {
  local m=$1 name=$2 file="$WORK/wallets.txt"
  log "perf record of the API during $DURATION s of $name"
  perf record -F 999 -g -p "$API_PID" -o "$WORK/perf-$name.data" -- sleep "$DURATION" >/dev/null 2>&1 &
  PERF_PID=$!
  wrk_run "perf_$name" "$m" "$file" 0 "$DURATION"
  wait "$PERF_PID" || true
  cp "$WORK/perf-$name.data" "$RESULTS_DIR/payments-$STAMP-perf-$name.data" 2>/dev/null || true
  perf report -i "$WORK/perf-$name.data" --no-children --sort dso,symbol --stdio -g none >"$WORK/self.txt" 2>/dev/null || true
  perf report -i "$WORK/perf-$name.data" --children --sort symbol --stdio -g none >"$WORK/children.txt" 2>/dev/null || true
  # Self time summed by where the code lives: the .NET assembly of a JIT frame ("[Npgsql]"), else the shared object.
  { echo "=== self (exclusive), summed by assembly or shared object ==="
    perf report -i "$WORK/perf-$name.data" --no-children --sort dso,symbol --stdio -g none -F overhead,dso,symbol 2>/dev/null \
      | awk '/^ *[0-9.]+%/ { pct = $1 + 0; dso = $2; asm = dso
               if (dso == "[JIT]") { rest = substr($0, index($0, "[.]") + 3)
                 if (match(rest, /\[[A-Z][A-Za-z0-9_.]+\] /)) asm = substr(rest, RSTART, RLENGTH - 1); else asm = "[JIT other]" }
               sum[asm] += pct }
             END { for (a in sum) printf "%7.2f%%  %s\n", sum[a], a }' | sort -rn | head -n 40
    echo
    echo "=== self (exclusive), by dso and symbol ==="; grep -v '^$' "$WORK/self.txt" | sed -n '1,150p'
    echo; echo "=== children (inclusive) ==="; grep -v '^$' "$WORK/children.txt" | sed -n '1,250p'
  } >"$RESULTS_DIR/payments-$STAMP-perf-$name.txt"
}

# syscall_load <wrk mode> <name> <wrk's count field>: one more load of that kind while `perf trace -s` counts the API's
# system calls (BENCH_SYSCALLS=1); per request, summed over the API's threads.
syscall_load() {
  local m=$1 name=$2 count=$3 file="$WORK/wallets.txt" n
  log "perf trace -s of the API during $DURATION s of $name"
  perf trace -s -p "$API_PID" -o "$WORK/trace-$name.txt" -- sleep "$DURATION" >/dev/null 2>&1 &
  local trace_pid=$!
  wrk_run "trace_$name" "$m" "$file" 0 "$DURATION"
  wait "$trace_pid" || true
  n=$(field "trace_$name" "$count")
  [[ "${n:-0}" -gt 0 ]] || { log "no $name request answered during the trace: no per-request figures"; return 0; }
  { echo "API system calls per request during $DURATION s of $name ($n requests answered; perf trace -s, all threads)"
    awk -v n="$n" '$2 ~ /^[0-9]+$/ && $1 ~ /^[a-z_0-9]+$/ { calls[$1] += $2; total += $2 }
      END { for (c in calls) printf "%8.2f  %s\n", calls[c] / n, c; printf "%8.2f  total\n", total / n }' "$WORK/trace-$name.txt" | sort -rn
  } >"$RESULTS_DIR/payments-$STAMP-syscalls-$name.txt"
  cat "$RESULTS_DIR/payments-$STAMP-syscalls-$name.txt" >&2
}

# BENCH_PG_STATEMENTS=1: empty pg_stat_statements before a load, and write what it saw per request after it.
statements_reset() {
  [[ "$PG_STATEMENTS" == 1 ]] || return 0
  psql_q -d cleanwallet -c 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements' -c 'SELECT pg_stat_statements_reset()' >/dev/null
}
statements_report() { # label, wrk's count field (s200/s201), what one request is called
  [[ "$PG_STATEMENTS" == 1 ]] || return 0
  local label=$1 count_field=$2 unit=$3 n
  n=$(field "$label" "$count_field")
  STATEMENTS_FILE="$RESULTS_DIR/payments-$STAMP-statements-$label.txt"
  { echo "pg_stat_statements over the $label load ($n requests); per $unit: calls, total ms, mean ms"
    psql_q -d cleanwallet -P pager=off -c "
      WITH p AS (SELECT greatest(${n:-0}, 1)::numeric AS n)
      SELECT round(calls / p.n, 2) AS calls_per_${unit}, round((total_exec_time / p.n)::numeric, 4) AS ms_per_${unit},
             round(mean_exec_time::numeric, 4) AS mean_ms, round((100 * total_exec_time / sum(total_exec_time) OVER ())::numeric, 1) AS pct,
             shared_blks_hit / greatest(calls, 1) AS blks_hit_per_call, wal_records / greatest(calls, 1) AS wal_per_call,
             left(regexp_replace(query, '\s+', ' ', 'g'), 200) AS query
      FROM pg_stat_statements, p ORDER BY total_exec_time DESC LIMIT 30"
    echo "Tables written (whole run so far): inserts, updates, of which HOT (no index entries written)"
    psql_q -d cleanwallet -P pager=off -c "
      SELECT relname, n_tup_ins, n_tup_upd, n_tup_hot_upd, n_live_tup, n_dead_tup FROM pg_stat_user_tables
      WHERE n_tup_ins + n_tup_upd > 0 ORDER BY n_tup_ins + n_tup_upd DESC LIMIT 10"
  } >"$STATEMENTS_FILE" 2>&1 || true
  log "statements: $STATEMENTS_FILE"
}

# The JIT promotes hot methods to optimised code in the background (tiered compilation). On the busy 2 cores that
# worker gets only a share of the CPU, and a fixed 15-20 s warm-up left it compiling (~5 000 methods, JitDisasmSummary)
# well into the first measured load. So each kind of load is warmed up until that worker is quiet: the CPU time of the
# API's ".NET Tiered Com…" threads, from /proc, costs nothing to read. (Their time on the CPU from schedstat, in ns: the
# per-thread utime/stime of /proc/<pid>/task/*/stat stay near 0 on this machine's kernel.)
jit_threads() { # "tid ms" of each of the API's tiered-compilation threads
  local t
  for t in /proc/"$API_PID"/task/*; do
    [[ "$(cat "$t/comm" 2>/dev/null)" == ".NET Tiered Com"* ]] || continue
    echo "${t##*/} $(awk '{print int($1 / 1000000)}' "$t/schedstat" 2>/dev/null || echo 0)"
  done
}
# jit_ms_since <earlier jit_threads output>: CPU ms those threads used since then. The worker exits when idle and a new
# one starts when needed, so a thread is compared with its own earlier figure (a new one counts in full).
jit_ms_since() {
  awk 'NR == FNR { before[$1] = $2; next } { total += $2 - ($1 in before ? before[$1] : 0) } END { print total + 0 }' \
    <(echo "$1") <(jit_threads)
}
# warm_up <label> <wrk mode> <wallet file> <seconds>: the load for at least that long, then in 5 s slices until the
# JIT's worker used under 1 % of a core in the last one (BENCH_WARMUP_QUIET_MS per 5 s, default 50), at most
# BENCH_WARMUP_MAX s in all (default 120). Counted in the money check, not in the table.
warm_up() {
  local label=$1 m=$2 file=$3 slice=$4 spent=0 j0 jit
  while :; do
    j0=$(jit_threads); wrk_run "$label" "$m" "$file" 0 "$slice"; jit=$(jit_ms_since "$j0"); spent=$((spent + slice))
    log "warm-up $label: ${spent} s so far; the JIT's background worker used $jit ms in the last $slice s"
    ((jit > ${BENCH_WARMUP_QUIET_MS:-50} * slice / 5 && spent < ${BENCH_WARMUP_MAX:-120})) || break
    slice=5
  done
  echo "warmup_done label=$label seconds=$spent jit_ms_last=$jit" >>"$RAW"
}
log "warm-up: at least $WARMUP s of payments, until the JIT is quiet (counted in the money check, not in the table)"
warm_up warmup pay "$WORK/wallets.txt" "$WARMUP"
log "load average before the measured API loads: $(loadavg)"
if ((TRANSFERS)); then
warm_up transfer_warm transfer "$WORK/wallets.txt" 5
statements_reset
wrk_run transfer_many transfer "$WORK/wallets.txt" 0 "$DURATION"
statements_report transfer_many s201 transfer
elif ((READS)); then
warm_up get_wallet_warm wallet "$WORK/wallets.txt" 5
warm_up get_history_warm history "$WORK/wallets.txt" 5
log "load average before the measured reads: $(loadavg)"
statements_reset
wrk_run get_wallet wallet "$WORK/wallets.txt" 0 "$DURATION"
statements_report get_wallet s200 read
statements_reset
wrk_run get_history history "$WORK/wallets.txt" 0 "$DURATION"
statements_report get_history s200 read
if [[ "$PERF" == 1 ]]; then
  perf_load wallet get_wallet
  perf_load history get_history
fi
if [[ "$SYSCALLS" == 1 ]]; then
  syscall_load wallet get_wallet s200
  syscall_load history get_history s200
fi
else
statements_reset
wrk_run pay_many pay "$WORK/wallets.txt" 0 "$DURATION"
statements_report pay_many s201 payment
wrk_run pay_hot pay "$WORK/hot.txt" 0 "$DURATION"
if [[ "$PERF" == 1 ]]; then
  perf_load pay pay
fi
if [[ "$SYSCALLS" == 1 ]]; then
  syscall_load pay pay s201
fi
fi
if ((! QUICK)); then
HALF=$(( $(rps pay_many) / 2 ))
((HALF > 0)) || HALF=1
log "paced run at half the peak: $HALF payments/s"
wrk_run pay_half pay "$WORK/wallets.txt" "$HALF" "$DURATION"
# Each read warmed up as the payments were: until this run, the reads were measured cold.
warm_up get_wallet_warm wallet "$WORK/wallets.txt" 5
wrk_run get_wallet wallet "$WORK/wallets.txt" 0 "$DURATION"
warm_up get_history_warm history "$WORK/wallets.txt" 5
wrk_run get_history history "$WORK/wallets.txt" 0 "$DURATION"
# The same 1 000-wallet payment load once more at the end: the first full runs found the last payment load of a run
# 2-3x faster than the first at the same API CPU share, so the table shows both until that is understood.
wrk_run pay_many_end pay "$WORK/wallets.txt" 0 "$DURATION"
fi

if ((PROFILE)); then
  log "profile: dotnet-trace (cpu-sampling) and dotnet-counters during $DURATION s of N-wallet payments"
  TRACE="$RESULTS_DIR/payments-$STAMP.nettrace"
  COUNTERS="$RESULTS_DIR/payments-$STAMP-counters.csv"
  dotnet tool restore >/dev/null
  dotnet tool run dotnet-counters -- collect -p "$API_PID" --counters System.Runtime --refresh-interval 1 \
    --format csv -o "$COUNTERS" --duration "00:00:$(printf '%02d' $((DURATION + 4)))" >"$WORK/counters.out" 2>&1 &
  COUNTERS_PID=$!
  dotnet tool run dotnet-trace -- collect -p "$API_PID" --profile dotnet-sampled-thread-time -o "$TRACE" \
    --duration "00:00:$(printf '%02d' $((DURATION + 4)))" >"$WORK/trace.out" 2>&1 &
  TRACE_PID=$!
  sleep 3
  wrk_run profiled pay "$WORK/wallets.txt" 0 "$DURATION"
  wait "$TRACE_PID" || { log "dotnet-trace failed:"; cat "$WORK/trace.out" >&2; }
  wait "$COUNTERS_PID" || { log "dotnet-counters failed:"; cat "$WORK/counters.out" >&2; }
fi

# --- 5. money check --------------------------------------------------------------------------------------------------
log "money check..."
CHECK_JSON="$(curl -s --max-time 300 -X POST -H "Authorization: Bearer $ADMIN_KEY" -H 'Content-Type: application/json' \
  "$API_URL/api/v1/admin/integrity-checks")"
echo "integrity $CHECK_JSON" >>"$RAW"
INTEGRITY="$(jq -c 'del(.issues)' <<<"$CHECK_JSON" 2>/dev/null || echo "$CHECK_JSON")"
ISSUES="$(jq -r '.issueCount // "missing"' <<<"$CHECK_JSON" 2>/dev/null || echo missing)"
MISMATCHED="$(psql_q -d cleanwallet -Atc "
  SELECT count(*) FROM wallets w LEFT JOIN (
    SELECT wallet_id, sum(CASE direction WHEN 'Credit' THEN amount ELSE -amount END) AS s FROM ledger_entries GROUP BY wallet_id
  ) l ON l.wallet_id = w.id WHERE w.balance <> coalesce(l.s, 0)")"
DB_PAYMENTS="$(psql_q -d cleanwallet -Atc "SELECT count(*) FROM payments WHERE method = 'Wallet' AND description = 'bench'")"
DB_PAID="$(psql_q -d cleanwallet -Atc "SELECT count(*) FROM payments p JOIN ledger_entries l ON l.id = p.ledger_entry_id WHERE p.method = 'Wallet' AND p.description = 'bench' AND p.status = 'Paid'")"
LOGGED_201="$(grep -c 'POST /api/v1/wallets/[0-9a-f-]*/payments responded 201' "$API_LOG" || true)"
# Statuses other than 2xx the API logged for /api/ requests: wrk abandons the requests in flight when a run ends, and
# the API logs those as 499 (client closed) or, when the abort hit while reading the body, 400.
# (No such line at all is fine: grep's status 1 must not end the run under pipefail.)
API_NON2XX="$( { grep -o 'HTTP [A-Z]* /api/[^ ]* responded [013-9][0-9][0-9]' "$API_LOG" || true; } | awk '{print $NF}' | sort | uniq -c \
  | awk '{printf "%s%s× %s", (NR > 1 ? ", " : ""), $1, $2}')"
NON2XX=""
# tally_loads <wrk mode>: over every load of that mode (the warm-up runs in several slices under one label, so each of
# its lines counts), TALLY_201 = the 201s wrk counted and TALLY_RUNS = the loads; their other statuses and socket errors
# are added to NON2XX. Not in a subshell, so that NON2XX keeps them.
tally_loads() {
  local l label other errs
  TALLY_201=0; TALLY_RUNS=0
  while IFS= read -r l; do
    TALLY_RUNS=$((TALLY_RUNS + 1))
    label="$(sed -n 's/.* label=\([^ ]*\).*/\1/p' <<<"$l")"
    TALLY_201=$((TALLY_201 + $(sed -n 's/.* s201=\([0-9]*\).*/\1/p' <<<"$l" | grep . || echo 0)))
    other="$(tr ' ' '\n' <<<"$l" | grep -E '^s[0-9]{3}=' | grep -v '^s2' | tr '\n' ' ' || true)"
    errs="$(tr ' ' '\n' <<<"$l" | grep -E '^err_(connect|read|write|timeout)=[1-9]' | tr '\n' ' ' || true)"
    [[ -n "$other$errs" ]] && NON2XX+="$label: $other$errs; "
  done < <(grep "^CWRESULT mode=$1 " "$RAW" || true)
  return 0 # the loop's status is its last test's, false when that load was clean: not a failure under set -e
}
tally_loads pay; WRK_201=$TALLY_201; RUNS=$TALLY_RUNS
tally_loads transfer; WRK_T201=$TALLY_201; TRUNS=$TALLY_RUNS
for label in get_wallet get_history; do
  l="$(grep " label=$label " "$RAW" | tail -n 1 || true)"
  other="$(tr ' ' '\n' <<<"$l" | grep -E '^s[0-9]{3}=' | grep -v '^s2' | tr '\n' ' ' || true)"
  [[ -n "$other" ]] && NON2XX+="$label: $other; "
done
NON2XX="${NON2XX%; }"
MONEY_OK=1
[[ "$MISMATCHED" == 0 && "$ISSUES" == 0 ]] || MONEY_OK=0
[[ "$DB_PAYMENTS" == "$DB_PAID" ]] || MONEY_OK=0
if [[ "$LOGGED_201" -gt 0 && "$LOGGED_201" != "$DB_PAYMENTS" ]]; then MONEY_OK=0; fi
CUTOFF=$((DB_PAYMENTS - WRK_201))
if ((CUTOFF < 0 || CUTOFF > CONNS * RUNS)); then MONEY_OK=0; fi
# Transfers (BENCH_QUICK=transfers): each one logged as a 201 is in the database, once; wrk's 201s fall short of them by
# at most the requests in flight when each transfer run was cut off.
DB_TRANSFERS="$(psql_q -d cleanwallet -Atc "SELECT count(*) FROM transfers WHERE description = 'bench'")"
LOGGED_T201="$(grep -c 'POST /api/v1/transfers responded 201' "$API_LOG" || true)"
[[ "$LOGGED_T201" == "$DB_TRANSFERS" ]] || MONEY_OK=0
TCUTOFF=$((DB_TRANSFERS - WRK_T201))
if ((TCUTOFF < 0 || TCUTOFF > CONNS * TRUNS)); then MONEY_OK=0; fi

if ((TRANSFERS)); then
  r=transfer_many
  {
    echo "## Payments benchmark, transfers only (BENCH_QUICK=transfers) — $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "Machine: $(nproc) cores; PostgreSQL $PG_VERSION; $CONNS connections, $THREADS threads, ${DURATION} s; $NWALLETS wallets; wallet snapshots: ${Transactions__WalletSnapshots:-true}; load average at the end of the load: $(field $r load | tr '/' ' ')."
    echo
    echo "| load | rate | p50 | p99 | CPU API / PostgreSQL / wrk (% of one core) | CPU per transfer, API / PostgreSQL |"
    echo "|---|---:|---:|---:|---:|---:|"
    echo "| $r | $(rps $r) /s | $(ms $r p50_us) ms | $(ms $r p99_us) ms | $(field $r api_cpu_pct)% / $(field $r pg_cpu_pct)% / $(field $r wrk_cpu_pct)% | $(awk -v a="$(field $r api_cpu_pct)" -v p="$(field $r pg_cpu_pct)" -v r="$(rps $r)" 'BEGIN { if (r > 0) printf "%.3f / %.3f ms", a * 10 / r, p * 10 / r }') |"
    echo
    echo "Money check: $( ((MONEY_OK)) && echo OK || echo FAILED ) (integrity: $INTEGRITY; mismatched wallets: $MISMATCHED; transfers in the database: $DB_TRANSFERS; 201s logged by the API: $LOGGED_T201; counted by wrk: $WRK_T201, the difference $TCUTOFF cut off in flight over $TRUNS runs); non-2xx / socket errors seen by wrk: ${NON2XX:-none}."
  } >"$OUT_MD"
  cat "$OUT_MD"
  log "table written to $OUT_MD (raw figures: $RAW)"
  ((MONEY_OK)) || { log "MONEY CHECK FAILED"; exit 1; }
  exit 0
fi

# --- 6. table --------------------------------------------------------------------------------------------------------
if ((READS)); then
  {
    echo "## Payments benchmark, reads only (BENCH_QUICK=reads) — $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "Machine: $(nproc) cores; PostgreSQL $PG_VERSION; $CONNS connections, $THREADS threads, ${DURATION} s per load; load average at the end of each load: get_wallet $(field get_wallet load | tr '/' ' '), get_history $(field get_history load | tr '/' ' ')."
    echo
    echo "| read | rate | p50 | p99 | CPU API / PostgreSQL / wrk (% of one core) | API CPU per request |"
    echo "|---|---:|---:|---:|---:|---:|"
    for r in get_wallet get_history; do
      echo "| $r | $(rps $r s200) /s | $(ms $r p50_us) ms | $(ms $r p99_us) ms | $(field $r api_cpu_pct)% / $(field $r pg_cpu_pct)% / $(field $r wrk_cpu_pct)% | $(awk -v c="$(field $r api_cpu_pct)" -v r="$(rps $r s200)" 'BEGIN { if (r > 0) printf "%.3f ms", c * 10 / r }') |"
    done
    echo
    echo "Money check: $( ((MONEY_OK)) && echo OK || echo FAILED ) (integrity: $INTEGRITY; mismatched wallets: $MISMATCHED); non-2xx / socket errors seen by wrk: ${NON2XX:-none}."
  } >"$OUT_MD"
  cat "$OUT_MD"
  log "table written to $OUT_MD (raw figures: $RAW)"
  ((MONEY_OK)) || { log "MONEY CHECK FAILED"; exit 1; }
  exit 0
fi
# CPU time per successful payment, from the CPU share of a run and its rate.
cpu_ms() { awk -v c="$(field "$1" "$2")" -v r="$(rps "$1")" 'BEGIN { if (r > 0) printf "%.2f", c * 10 / r; else print "n/a" }'; }
anchor_cpu_ms() { awk -v c="$(sed -n "s/^anchor $1 .* pg_cpu_pct=\([0-9]*\).*/\1/p" "$RAW")" -v r="$(sed -n "s/^anchor $1 .* tps=\([0-9.]*\).*/\1/p" "$RAW")" \
  'BEGIN { if (r > 0) printf "%.2f", c * 10 / r; else print "n/a" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f×", a / b; else print "n/a" }'; }
MANY=$(rps pay_many); HOT=$(rps pay_hot)
{
  echo "## Payments benchmark — $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); PostgreSQL $PG_VERSION (own cluster, default durable settings); .NET $(dotnet --version); wrk $(wrk -v 2>&1 | head -n 1 | awk '{print $2}'); $CONNS connections, $THREADS threads, ${DURATION} s per load; load average before the API loads: $(field pay_many load | tr '/' ' ') (1/5/15 min, at the end of the many-wallet run)."
  echo
  echo "| variant | $NWALLETS wallets | one hot wallet |"
  echo "|---|---:|---:|"
  echo "| raw SQL, one server-side call (pgbench) | $(printf '%.0f' "$ANCHOR_fn_many") /s (avg $ANCHORLAT_fn_many ms) | $(printf '%.0f' "$ANCHOR_fn_hot") /s (avg $ANCHORLAT_fn_hot ms) |"
  echo "| raw SQL, 7 round trips (pgbench) | $(printf '%.0f' "$ANCHOR_rt_many") /s (avg $ANCHORLAT_rt_many ms) | $(printf '%.0f' "$ANCHOR_rt_hot") /s (avg $ANCHORLAT_rt_hot ms) |"
  echo "| the API's own statements on its own schema, no API (pgbench, 3 round trips) | $(printf '%.0f' "$ANCHOR_own_many") /s (avg $ANCHORLAT_own_many ms) | $(printf '%.0f' "$ANCHOR_own_hot") /s (avg $ANCHORLAT_own_hot ms) |"
  echo "| API \`POST /wallets/{id}/payments\`, closed loop (peak) | $MANY /s (p50 $(ms pay_many p50_us) ms, p99 $(ms pay_many p99_us) ms) | $HOT /s (p50 $(ms pay_hot p50_us) ms, p99 $(ms pay_hot p99_us) ms) |"
  echo "| the same over $NWALLETS wallets again, as the run's last load | $(rps pay_many_end) /s (p50 $(ms pay_many_end p50_us) ms, p99 $(ms pay_many_end p99_us) ms; API $(field pay_many_end api_cpu_pct)% / PostgreSQL $(field pay_many_end pg_cpu_pct)% CPU) | — |"
  echo "| API payments paced at half the peak ($HALF /s) | $(rps pay_half) /s (p50 $(ms pay_half p50_us) ms, p99 $(ms pay_half p99_us) ms) | — |"
  echo "| API \`GET /wallets/{id}\` | $(rps get_wallet s200) /s (p50 $(ms get_wallet p50_us) ms, p99 $(ms get_wallet p99_us) ms) | — |"
  echo "| API \`GET /wallets/{id}/transactions\` (first page) | $(rps get_history s200) /s (p50 $(ms get_history p50_us) ms, p99 $(ms get_history p99_us) ms) | — |"
  echo "| API resident memory during the load (max VmRSS sampled / VmHWM) | $(( $(field pay_many rss_max_kb) / 1024 )) MB / $(( $(field pay_many hwm_kb) / 1024 )) MB | $(( $(field pay_hot rss_max_kb) / 1024 )) MB / $(( $(field pay_hot hwm_kb) / 1024 )) MB |"
  echo "| CPU during the payments (API / PostgreSQL / wrk, % of one core) | $(field pay_many api_cpu_pct)% / $(field pay_many pg_cpu_pct)% / $(field pay_many wrk_cpu_pct)% | $(field pay_hot api_cpu_pct)% / $(field pay_hot pg_cpu_pct)% / $(field pay_hot wrk_cpu_pct)% |"
  echo "| CPU per payment (API / PostgreSQL, ms; anchors: PostgreSQL only) | API $(cpu_ms pay_many api_cpu_pct) / $(cpu_ms pay_many pg_cpu_pct) ms; one call $(anchor_cpu_ms fn_many), 7 trips $(anchor_cpu_ms rt_many), own statements $(anchor_cpu_ms own_many) ms | API $(cpu_ms pay_hot api_cpu_pct) / $(cpu_ms pay_hot pg_cpu_pct) ms; one call $(anchor_cpu_ms fn_hot), 7 trips $(anchor_cpu_ms rt_hot), own statements $(anchor_cpu_ms own_hot) ms |"
  echo "| ratio API / one-call anchor | $(ratio "$MANY" "$ANCHOR_fn_many") | $(ratio "$HOT" "$ANCHOR_fn_hot") |"
  echo "| ratio API / 7-round-trip anchor | $(ratio "$MANY" "$ANCHOR_rt_many") | $(ratio "$HOT" "$ANCHOR_rt_hot") |"
  echo "| ratio own statements (no API) / one-call anchor: the most any client of this schema reaches | $(ratio "$ANCHOR_own_many" "$ANCHOR_fn_many") | $(ratio "$ANCHOR_own_hot" "$ANCHOR_fn_hot") |"
  echo "| ratio API / its own statements without it: what the service costs | $(ratio "$MANY" "$ANCHOR_own_many") | $(ratio "$HOT" "$ANCHOR_own_hot") |"
  echo
  echo "PostgreSQL checkpoints begun during each measured API load (its log: payments-$STAMP-postgres.log): $(for l in pay_many pay_hot pay_half get_wallet get_history pay_many_end; do printf '%s %s; ' "$l" "$(field "$l" checkpoints)"; done)"
  echo
  echo "Money check: $( ((MONEY_OK)) && echo OK || echo FAILED ). Integrity check through the API: $INTEGRITY; wallets whose balance differs from their ledger sum: $MISMATCHED; wallet payments in the database: $DB_PAYMENTS (Paid with a ledger entry: $DB_PAID); 201s logged by the API: $LOGGED_201; 201s counted by wrk: $WRK_201 (the difference, $CUTOFF, is requests in flight when wrk cut each of the $RUNS payment runs off: at most $CONNS each); non-2xx / socket errors seen by wrk: ${NON2XX:-none}; non-2xx the API logged for /api/: ${API_NON2XX:-none} (requests wrk abandoned when a run ended are logged as 499, or 400 when the abort hit the body read)."
} >"$OUT_MD"
cat "$OUT_MD"
log "table written to $OUT_MD (raw figures: $RAW)"

if ((PROFILE)) && [[ -f "$TRACE" ]]; then
  log "analysing the trace..."
  {
    echo
    echo "### Profile ($(basename "$TRACE"), $(field profiled s201 | awk -v d="$(field profiled duration_us)" '{printf "%.0f", $1/(d/1e6)}') payments/s while tracing)"
    echo
    echo '```'
    dotnet tool run dotnet-trace -- convert "$TRACE" --format Speedscope -o "${TRACE%.nettrace}" >/dev/null 2>&1 || true
    python3 "$SCRIPT_DIR/payments/trace_top.py" "${TRACE%.nettrace}.speedscope.json" 25 2>&1 || true
    echo '```'
    echo
    echo "Counters (averages over the trace; file $(basename "$COUNTERS")):"
    echo
    echo '```'
    python3 "$SCRIPT_DIR/payments/counters_summary.py" "$COUNTERS" 2>&1 || true
    echo '```'
  } | tee -a "$OUT_MD"
fi
((MONEY_OK)) || { log "MONEY CHECK FAILED"; exit 1; }
