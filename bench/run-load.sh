#!/usr/bin/env bash
# Builds the CleanWallet API and the load tool, starts the API on loopback (port 5099), waits until
# GET /health/ready answers 200, runs the load tool against it, then stops the API.
#
#   bash bench/run-load.sh [load-tool options...]     e.g.  bash bench/run-load.sh --requests 200
#
# Extra arguments go to the load tool unchanged (see `--help` of the tool / bench/README.md).
# Environment: anything you export reaches the API (e.g. ConnectionStrings__Wallet to use your own
# PostgreSQL instead of the local one the API starts under .data/). Script knobs:
#   BENCH_PORT           API port on 127.0.0.1 (default 5099)
#   BENCH_READY_TIMEOUT  seconds to wait for /health/ready (default 120)
#   BENCH_SKIP_BUILD=1   reuse the existing Release builds
set -euo pipefail

SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd -- "$SCRIPT_DIR/.." && pwd)"
cd "$REPO_ROOT"

PORT="${BENCH_PORT:-5099}"
API_URL="http://127.0.0.1:${PORT}"
READY_TIMEOUT="${BENCH_READY_TIMEOUT:-120}"
RESULTS_DIR="$SCRIPT_DIR/results"   # git-ignored (bench/results/)
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
API_LOG="$RESULTS_DIR/api-$STAMP.log"
ADMIN_KEY="bench-admin-key-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
API_PID=""

log() { printf 'run-load: %s\n' "$*" >&2; }

# Returns 0 while any process of the API's process group is alive.
api_alive() {
  [[ -n "$API_PID" ]] && { kill -0 -- "-$API_PID" 2>/dev/null || kill -0 "$API_PID" 2>/dev/null; }
}

stop_api() {
  api_alive || return 0
  log "stopping the API (process group $API_PID)..."
  # The API runs in its own session/process group (setsid), so `dotnet run` and the app both get SIGTERM.
  # On shutdown the app stops the local PostgreSQL it started (pg_ctl stop); give it time to do so.
  kill -TERM -- "-$API_PID" 2>/dev/null || kill -TERM "$API_PID" 2>/dev/null || true
  local i
  for ((i = 0; i < 60; i++)); do
    api_alive || break
    sleep 0.5
  done
  if api_alive; then
    log "API still running after 30 s; sending SIGKILL"
    kill -KILL -- "-$API_PID" 2>/dev/null || kill -KILL "$API_PID" 2>/dev/null || true
  fi
  wait "$API_PID" 2>/dev/null || true
  log "API stopped (log: $API_LOG)"
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_api
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

show_api_log() {
  if [[ -f "$API_LOG" ]]; then
    log "last lines of $API_LOG:"
    tail -n 40 "$API_LOG" >&2 || true
  fi
}

http_status() {
  curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$1" 2>/dev/null || true
}

command -v dotnet >/dev/null || { log "dotnet not found on PATH"; exit 1; }
command -v curl >/dev/null || { log "curl not found on PATH"; exit 1; }
mkdir -p "$RESULTS_DIR"

if [[ "${BENCH_SKIP_BUILD:-0}" != "1" ]]; then
  log "building the API (Release)..."
  dotnet build src/Api -c Release -nologo
  log "building the load tool (Release)..."
  dotnet build bench/LoadTest -c Release -nologo
fi

status="$(http_status "$API_URL/health/ready")"
if [[ "$status" != "000" && -n "$status" ]]; then
  log "something already answers on $API_URL (HTTP $status); stop it or set BENCH_PORT"
  exit 1
fi

log "starting the API on $API_URL (log: $API_LOG)"
# --no-launch-profile: a launchSettings.json profile must not override the URL/environment below.
# Variables already exported by the caller pass through; these four are set for the API only.
api_cmd=(dotnet run --project src/Api -c Release --no-build --no-launch-profile)
if command -v setsid >/dev/null; then
  api_cmd=(setsid "${api_cmd[@]}")
else
  log "warning: setsid not found; child processes of the API may survive the stop"
fi
ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}" \
ASPNETCORE_URLS="$API_URL" \
Auth__BootstrapAdminKey="$ADMIN_KEY" \
RateLimiting__PermitsPerMinute="${RateLimiting__PermitsPerMinute:-100000000}" \
  "${api_cmd[@]}" </dev/null >"$API_LOG" 2>&1 &
API_PID=$!

log "waiting up to ${READY_TIMEOUT} s for GET $API_URL/health/ready to return 200..."
wait_start=$SECONDS
deadline=$((SECONDS + READY_TIMEOUT))
while :; do
  status="$(http_status "$API_URL/health/ready")"
  [[ "$status" == "200" ]] && break
  if ! kill -0 "$API_PID" 2>/dev/null; then
    wait "$API_PID" 2>/dev/null && api_rc=0 || api_rc=$?
    log "the API exited before it was ready (exit code $api_rc)"
    show_api_log
    exit 1
  fi
  if ((SECONDS >= deadline)); then
    log "the API was not ready after ${READY_TIMEOUT} s (last status: ${status:-none})"
    show_api_log
    exit 1
  fi
  sleep 1
done
log "API ready after $((SECONDS - wait_start)) s"

tool_args=(--url "$API_URL")
has_json=0
for arg in "$@"; do
  [[ "$arg" == --json || "$arg" == --json=* ]] && has_json=1
done
if ((has_json == 0)); then
  tool_args+=(--json "$RESULTS_DIR/load-$STAMP.json")
fi

log "running the load tool: ${tool_args[*]} $*"
set +e
CW_ADMIN_KEY="$ADMIN_KEY" dotnet run --project bench/LoadTest -c Release --no-build --no-launch-profile -- \
  "${tool_args[@]}" "$@"
tool_rc=$?
set -e

if ((tool_rc != 0)); then
  log "load tool exited with code $tool_rc"
  ((tool_rc == 1)) && show_api_log
fi
exit "$tool_rc"
