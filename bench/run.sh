#!/usr/bin/env bash
# Benchmarks: forward images/s per family at batch 1, 8, 32 (float32, 2 threads) and end-to-end `pipeline embed`.
# Usage: bench/run.sh [forward|e2e|all] [--threads N] [--models name[@res],...] [--images N]
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build bench/Pipeline.Bench -c Release -v quiet
# Keep freed tensor memory in the heap: fresh-page faults cost ~9 us each on these VMs (ENVIRONMENT.md).
export GLIBC_TUNABLES="${GLIBC_TUNABLES:-glibc.malloc.mmap_threshold=4294967296:glibc.malloc.trim_threshold=17179869184}"
exec dotnet bench/Pipeline.Bench/bin/Release/net10.0/linux-x64/pipeline-bench.dll "$@"
