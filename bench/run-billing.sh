#!/usr/bin/env bash
# Billing-run benchmark: builds bench/BillingBench (Release) and runs it. The tool starts its own private PostgreSQL
# (tools/LocalPostgres, a throwaway data directory under the temp directory), applies the migrations, seeds 20 000
# customers and wallets and 100 000 running VMs billed through the previous hour, times one hourly billing run through
# the real handler and SQL engine, prints time, VM-hours/s, ledger rows/s and memory, and verifies that every wallet
# reconciles with its ledger and every VM has exactly that one hour billed. Exit code 0 only when the run succeeded and
# every check passed.
#
#   bash bench/run-billing.sh [tool options...]     e.g.  bash bench/run-billing.sh --vms 20000 --wallets 4000
#
# Tool options: --vms N, --wallets N, --batch-size N, --fast-unsafe (fsync off), --keep, --data-dir PATH (see --help).
# Script knobs: BENCH_SKIP_BUILD=1 reuses the existing Release build. The output is also kept in
# bench/results/billing-<UTC time>.txt (bench/results/ is git-ignored).
set -euo pipefail

SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd -- "$SCRIPT_DIR/.." && pwd)"
cd "$REPO_ROOT"

RESULTS_DIR="$SCRIPT_DIR/results"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
OUTPUT="$RESULTS_DIR/billing-$STAMP.txt"
TOOL="bench/BillingBench/bin/Release/net10.0/CleanWallet.BillingBench.dll"

log() { printf 'run-billing: %s\n' "$*" >&2; }

command -v dotnet >/dev/null || { log "dotnet not found on PATH"; exit 1; }
mkdir -p "$RESULTS_DIR"

if [[ "${BENCH_SKIP_BUILD:-0}" != "1" ]]; then
  log "building the billing benchmark (Release)..."
  dotnet build bench/BillingBench -c Release -nologo -v quiet
fi
[[ -f "$TOOL" ]] || { log "$TOOL not found; build it first (unset BENCH_SKIP_BUILD)"; exit 1; }

log "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
log "running: dotnet $TOOL $*"
set +e
dotnet "$TOOL" "$@" 2>&1 | tee "$OUTPUT"
rc=${PIPESTATUS[0]}
set -e
log "output kept in $OUTPUT (exit code $rc)"
exit "$rc"
