#!/usr/bin/env bash
# Benchmarks: forward images/s per family at batch 1, 8, 32 (float32, 2 threads) and end-to-end `pipeline embed`.
# Usage: bench/run.sh [forward|e2e|all] [--threads N] [--models name[@res],...] [--images N]
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build bench/Pipeline.Bench -c Release -v quiet
exec dotnet bench/Pipeline.Bench/bin/Release/net10.0/linux-x64/pipeline-bench.dll "$@"
