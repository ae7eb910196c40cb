#!/usr/bin/env bash
# Benchmarks that print figures.
# Usage: bench/run.sh [forward|e2e|all] [--threads N] [--models name[@res],...] [--images N] [--corpus DIR] [--runs N]
#        bench/run.sh scheduler [--tasks 10000,100000] [--workers 64] [--commit none,marker,executor] [--root DIR] [--idle-ms 10] [--after-planning]
#        bench/run.sh planning [--lines 1000000] [--shard-size 1000] [--model NAME] [--root DIR] [--preload-torch]
#        bench/run.sh cluster-e2e [--images 256] [--e2e-model NAME] [--dtype float32|bfloat16]
#        bench/run.sh knn [--rows 200000] [--dim 384] [--queries 1000] [-k 10] [--threads 2] [--metric ip|cosine|l2] [--block-rows N]
#        bench/run.sh hnsw [--vectors /tmp/peer_vectors] [--ef 16,32,64,128,256] [--storage float32|float16] [--configs peer,choose,pipeline] [--partitions N]
#        bench/run.sh load [--models vit_large_patch14_dinov2.lvd142m,...] [--threads N] [--json] [--no-first-batch] [--naming timm|huggingface]   (checkpoint load peak RSS / size, load s, time to first batch)
#        bench/run.sh hnsw-memory [--rows 1000000] [--budget-mib 4096] [--partitions N]
#        bench/run.sh forward [--models ...] [--batches 8,32] [--dtype float32|bfloat16] [--json]
#        bench/run.sh side-by-side --peer-kit ../shared/peer [--models ...] [--batches 8,32] [--dtype float32|bfloat16] [--rounds 2] [--json]
#        bench/run.sh lcm [--sizes tiny,sd15] [--batches 1,2,4] [--seconds 4]
#        bench/run.sh decode [--corpus /tmp/peer_corpus] [--decode-threads 1,2] [--passes 3] [--e2e-model NAME]
#   forward: images/s per family at batch 1, 8, 32; e2e: `pipeline embed` on the embedded runtime, --runs times (each a
#   new job; median, min, max), of a generated corpus or --corpus DIR (the peer kit's /tmp/peer_corpus), then the model
#   alone at batch 32 in the same process.
#   scheduler: lease+commit pairs/s of one job on an in-process silo with simulated workers, grain-state bytes per lease.
#   hnsw: on the peer's files (the peer kit's run.sh --parts 3,4 first), JSON lines of build s, recall@10 and q/s per ef, exact q/s, ratios.
#   hnsw-memory: peak RSS (VmHWM) of building a float16 HNSW shard of synthetic rows.
#   decode: read + decode + preprocess of a JPEG folder (the peer kit's part 2 corpus by default) on 1 and N threads,
#   beside the peer's decode_w0 (PIL + timm's eval transform); decode alone too.
#   side-by-side: ours and the peer kit's part 1 (PyTorch + timm, profile tuned) model by model, interleaved, with ratios.
#   lcm: seconds per image of LCM 4 steps / LCM-LoRA 4 steps (CFG) / DDIM 50 steps (CFG) from the components timed
#   alone (text encoder, UNet step, VAE decode) at the tiny fixture size and SD-1.5's (random weights); the tiny model
#   folder end to end through the pipeline.
#   planning: an embed job's planning over a generated manifest, and CorpusSource alone.
#   cluster-e2e: starts infra/local-cluster (1 silo, 1 slot), embeds a generated JPEG folder through it, stops it, and
#   compares with the model-only forward figure measured in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build bench/Pipeline.Bench -c Release -v quiet
bench=bench/Pipeline.Bench/bin/Release/net10.0/linux-x64/pipeline-bench.dll
if [ "${1:-}" = cluster-e2e ]; then
  # The bench build has just built src/Silo and src/Client (project references), so the cluster needs no build. Its
  # own state folder, so it never meets a cluster that tests started.
  export PIPELINE_CLUSTER_STATE="${PIPELINE_CLUSTER_STATE:-$PWD/.pipeline/bench-cluster}"
  eval "$(infra/local-cluster/cluster.sh up --silos 1 --slots 1 --no-build)"
  trap 'infra/local-cluster/cluster.sh down' EXIT
  dotnet "$bench" "$@"
  exit
fi
exec dotnet "$bench" "$@"
