#!/usr/bin/env bash
# The GPU check, for a machine with an NVIDIA driver and no Rust toolchain. Build first, where Rust is:
#   cargo build --release -p fdsl-bench && mkdir -p carry && cp target/release/fdsl-bench carry/
# then on the GPU machine, from the repository root:  scripts/gpu-check.sh
# 1. CPU = GPU: every FractalDB canvas of 8 official categories (25 weights x 10 counts patch mode,
#    25 point mode: 2,200 canvases, 8,800 images with their flips), byte for byte, and the filling
#    rates of 4,096 search candidates to the bit (so the same categories); exit 1 on a mismatch.
# 2. GPU throughput of the published recipe, and the search for 10,000 categories;
# 3. the same machine's CPU cores on the CPU path.
set -euo pipefail
cd "$(dirname "$0")/.."
bench=${FDSL_BENCH:-carry/fdsl-bench}
[ -x "$bench" ] || { echo "gpu-check: $bench missing; build it first (see the top of this script)" >&2; exit 2; }
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
timeout 120 "$bench" crosscheck --categories 8 | tee /tmp/crosscheck.md
timeout 90 "$bench" gpu-throughput --canvases 65536 --batch 16384 | tee /tmp/gpu.md
timeout 60 "$bench" gpu-search --categories 10000 | tee -a /tmp/gpu.md
cores=$(nproc)
timeout 60 "$bench" throughput --categories 64 --instances 200 --threads "$cores" --formats raster | tee /tmp/cpu.md
echo
echo "== summary (canvases: 1 canvas = 4 flipped images) =="
cat /tmp/crosscheck.md /tmp/gpu.md /tmp/cpu.md
