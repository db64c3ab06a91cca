#!/usr/bin/env bash
# The GPU check, for a machine with an NVIDIA driver and no Rust toolchain. Build first, where Rust is:
#   cargo build --release -p fdsl-bench -p fdsl && mkdir -p carry && cp target/release/{fdsl-bench,fdsl} carry/
# then on the GPU machine, from the repository root:  scripts/gpu-check.sh
# 1. CPU = GPU: every FractalDB canvas of 8 official categories (25 weights x 10 counts patch mode,
#    25 point mode: 2,200 canvases, 8,800 images with their flips), byte for byte, by both kernels
#    (thread per canvas; on chip, 64 row bands), and the filling rates of 4,096 search candidates to
#    the bit (so the same categories); exit 1 on a mismatch.
# 2. GPU throughput of the published recipe (thread per canvas; on chip with 32, 64, 128 bands), and
#    the search for 10,000 categories;
# 3. the same machine's CPU cores on the CPU path;
# 4. with carry/fdsl: `fdsl render --device cuda` (batches rendered ahead on the GPU) against
#    `--device cpu`: the same manifest, i.e. every file's SHA-256; exit 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
bench=${FDSL_BENCH:-carry/fdsl-bench}
[ -x "$bench" ] || { echo "gpu-check: $bench missing; build it first (see the top of this script)" >&2; exit 2; }
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
timeout 150 "$bench" crosscheck --categories 8 --bands 64 | tee /tmp/crosscheck.md
timeout 150 "$bench" gpu-throughput --canvases 32768 --batch 16384 --bands 32,64,128 | tee /tmp/gpu.md
timeout 60 "$bench" gpu-search --categories 10000 | tee -a /tmp/gpu.md
cores=$(nproc)
timeout 60 "$bench" throughput --categories 64 --instances 200 --threads "$cores" --formats raster | tee /tmp/cpu.md
: > /tmp/render.md
fdsl=${FDSL:-carry/fdsl}
if [ -x "$fdsl" ]; then
  rm -rf /tmp/fdsl-cuda /tmp/fdsl-cpu
  args=(render --categories 4 --instances 200)
  timeout 60 "$fdsl" "${args[@]}" --device cuda --out /tmp/fdsl-cuda
  timeout 60 "$fdsl" "${args[@]}" --device cpu --out /tmp/fdsl-cpu
  if cmp -s /tmp/fdsl-cuda/manifest.json /tmp/fdsl-cpu/manifest.json; then
    echo "fdsl render --device cuda = --device cpu: 800 images, the same manifest" | tee /tmp/render.md
  else
    echo "fdsl render --device cuda differs from --device cpu" | tee /tmp/render.md
    diff /tmp/fdsl-cuda/manifest.json /tmp/fdsl-cpu/manifest.json | head -20 || true
    exit 1
  fi
fi
echo
echo "== summary (canvases: 1 canvas = 4 flipped images) =="
cat /tmp/crosscheck.md /tmp/gpu.md /tmp/cpu.md /tmp/render.md
