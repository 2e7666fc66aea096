#!/usr/bin/env bash
# Build entry point: restores the local .NET tools (Cake) and runs build.cake.
# Usage: ./build.sh [--target=Clean|Restore|Build|Test|Run] [--configuration=Release|Debug]
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"

export DOTNET_CLI_TELEMETRY_OPTOUT="${DOTNET_CLI_TELEMETRY_OPTOUT:-1}"
export DOTNET_NOLOGO="${DOTNET_NOLOGO:-1}"
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE="${DOTNET_SKIP_FIRST_TIME_EXPERIENCE:-1}"

dotnet tool restore
dotnet tool run dotnet-cake build.cake "$@"
