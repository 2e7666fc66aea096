#!/usr/bin/env bash
# Integrity verification benchmark: builds bench/IntegrityBench (Release) and runs it. The tool starts a private
# PostgreSQL (tools/LocalPostgres, default settings, fsync off), applies the migrations, seeds a consistent ledger of
# 20 000 wallets × 50 entries = 1 000 000 entries with their payments, refunds, transfers, adjustments and VM usage,
# runs VACUUM ANALYZE, then times full integrity checks through the real checker and asserts they find nothing (and
# that one deliberate corruption is found). Target: ≤ 10 s per check on a 2-core machine.
#
#   bash bench/run-integrity.sh [--wallets N] [--entries-per-wallet N] [--runs N]
#
# The output is also kept in bench/results/integrity-<UTC time>.log (git-ignored).
# Environment: ConnectionStrings__Wallet=<connection string> uses that empty database instead of a private cluster;
# BENCH_SKIP_BUILD=1 reuses the existing Release build.
set -euo pipefail

SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd -- "$SCRIPT_DIR/.." && pwd)"
cd "$REPO_ROOT"

RESULTS_DIR="$SCRIPT_DIR/results"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
LOG="$RESULTS_DIR/integrity-$STAMP.log"
mkdir -p "$RESULTS_DIR"

command -v dotnet >/dev/null || { echo "run-integrity: dotnet not found on PATH" >&2; exit 1; }

if [[ "${BENCH_SKIP_BUILD:-0}" != "1" ]]; then
  echo "run-integrity: building bench/IntegrityBench (Release)..." >&2
  dotnet build bench/IntegrityBench -c Release -nologo -v quiet
fi

echo "run-integrity: running; output also in $LOG" >&2
set +e
dotnet bench/IntegrityBench/bin/Release/net10.0/CleanWallet.IntegrityBench.dll "$@" 2>&1 | tee "$LOG"
rc=${PIPESTATUS[0]}
set -e
exit "$rc"
