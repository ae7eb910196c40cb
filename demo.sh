#!/usr/bin/env bash
# Runs the main job end to end on one machine: generates a sample corpus, uploads it to Azurite, embeds it on an
# in-process Orleans silo, prints what happened and where the outputs are. Extra arguments go to `pipeline demo`.
set -euo pipefail
cd "$(dirname "$0")"
[ -d infra/azurite/node_modules/azurite ] || npm ci --prefix infra/azurite --no-audit --no-fund
dotnet build src/Client -c Release
exec dotnet src/Client/bin/Release/net10.0/linux-x64/pipeline.dll demo "$@"
