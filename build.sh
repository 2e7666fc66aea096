#!/usr/bin/env bash
# Build entry point: installs what the build needs but a fresh machine lacks, restores the local .NET tools (Cake) and
# runs build.cake.
# Usage: ./build.sh [--target=Clean|Restore|Build|Lint|Test|Run|Simulate|Prerequisites] [--configuration=Release|Debug]
#        ./build.sh --target=Simulate [--companies=100] [--months=6] [--seed=1]
#
# Before Test (the default target), Run and Simulate it makes sure the machine has
#   - PostgreSQL server binaries (/usr/lib/postgresql/<version>/bin/initdb): the tests and Run start a private cluster;
#   - runuser (util-linux): PostgreSQL refuses to run as root, so it is started as the postgres user;
#   - Chromium at /usr/bin/chromium (Test only): the browser test drives it (Playwright never downloads a browser).
# What is missing is installed with apt-get (update, then install) as root, or through sudo; where neither is possible the
# build stops and says what to install. Nothing is installed when everything is there already.
# --target=Prerequisites only does that (e.g. to prepare a machine image). CW_SKIP_PREREQUISITES=1 skips the check.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"

export DOTNET_CLI_TELEMETRY_OPTOUT="${DOTNET_CLI_TELEMETRY_OPTOUT:-1}"
export DOTNET_NOLOGO="${DOTNET_NOLOGO:-1}"
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE="${DOTNET_SKIP_FIRST_TIME_EXPERIENCE:-1}"

target="Default"
for arg in "$@"; do
    case "$arg" in
        --target=*) target="${arg#--target=}" ;;
    esac
done

missing_packages() {
    local packages=()
    if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
        packages+=(postgresql)
    fi
    if ! command -v runuser >/dev/null 2>&1; then
        packages+=(util-linux)
    fi
    if [ "$1" = "with-browser" ] && [ -d tests/Browser.Tests ] && [ ! -x /usr/bin/chromium ]; then
        packages+=(chromium)
    fi
    # The Lint step (before Test) installs Redocly CLI with npm.
    if [ "$1" = "with-browser" ] && ! command -v npm >/dev/null 2>&1; then
        packages+=(npm)
    fi
    echo "${packages[@]}"
}

install_packages() {
    local runner=()
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
            runner=(sudo -n -E)
        else
            echo "build.sh: missing packages: $*" >&2
            echo "build.sh: install them first (as root: apt-get update && apt-get install -y $*), or run the build as root or with passwordless sudo." >&2
            exit 1
        fi
    fi
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "build.sh: missing packages: $* -- this is not a Debian/Ubuntu machine (no apt-get): install them with its package manager." >&2
        exit 1
    fi
    echo "build.sh: installing missing packages: $*"
    export DEBIAN_FRONTEND=noninteractive
    "${runner[@]}" apt-get update -y
    "${runner[@]}" apt-get install -y --no-install-recommends \
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@"
}

ensure_prerequisites() {
    local packages
    packages="$(missing_packages "$1")"
    if [ -n "$packages" ]; then
        # shellcheck disable=SC2086 # one word per package
        install_packages $packages
        packages="$(missing_packages "$1")"
        if [ -n "$packages" ]; then
            echo "build.sh: still missing after installing: $packages" >&2
            exit 1
        fi
    fi
}

if [ "${CW_SKIP_PREREQUISITES:-0}" != "1" ]; then
    case "$target" in
        Default|Test|Lint) ensure_prerequisites with-browser ;;
        Run|Simulate) ensure_prerequisites without-browser ;;
    esac
fi
if [ "$target" = "Prerequisites" ]; then
    ensure_prerequisites with-browser
    echo "build.sh: PostgreSQL server binaries, runuser and Chromium are present."
    exit 0
fi

dotnet tool restore
dotnet tool run dotnet-cake build.cake "$@"
