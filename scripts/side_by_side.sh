#!/usr/bin/env bash
# Issue 34 in one run on this machine: the per-core figures side by side with the references (one thread
# pinned to CPU 0, CPU seconds; A&F also in memory through fdsl-bench), the textured 8-image run (cold
# pool, then again), its verify, and 1p-frac's hopeless base. The references need their mirrors
# (scripts/reference_per_core.py). Pinned and ~5 s a side: on the 2-vCPU VM, unpinned 0.1-s runs of the
# same 200 A&F images took 0.094-0.196 CPU-s.
# Run from the repository root, with release binaries in $BIN (default target/release):
#   cargo build --release --bin fdsl && cargo build --release -p fdsl-bench
#   cargo build --release -p fdsl-core --example af_stats
#   bash scripts/side_by_side.sh [ROUNDS (5)] > log 2>&1
set -u
BIN=${BIN:-target/release}
ROUNDS=${1:-5}
T=$(mktemp -d /tmp/side_by_side.XXXX)
ONE="taskset -c 0"
cpu() { /usr/bin/time -f "%U %S" -o "$T/time" "$@" > "$T/out" 2>&1; awk '{printf "%.3f", $1 + $2}' "$T/time"; }
echo "start $(date -u +%H:%M:%S) $(uptime)"
git log --oneline -1
for r in $(seq 1 "$ROUNDS"); do
  echo "## round $r $(uptime | sed 's/.*load/load/')"
  echo "af reference: $(OMP_NUM_THREADS=1 $ONE python3 scripts/reference_per_core.py af 1000 | tail -1)"
  echo "af fdsl af_stats 1000 1 0: $($ONE "$BIN/examples/af_stats" 1000 1 0 | grep cpu)"
  echo "af fdsl-bench raster 1000x1: $($ONE "$BIN/fdsl-bench" throughput --preset af-fractals-1k --categories 1000 --instances 1 --threads 1 --formats raster | tail -1)"
  echo "spectrum port: $($ONE python3 scripts/reference_per_core.py spectrum 80 | tail -1)"
  rm -rf "$T/s"; echo "spectrum fdsl png 400: $(cpu $ONE "$BIN/fdsl" render --preset stat-spectrum --instances 400 --threads 1 --encoding png --out "$T/s") CPU-s"
  echo "color_wmm port: $($ONE python3 scripts/reference_per_core.py spectrum_color_wmm 16 | tail -1)"
  rm -rf "$T/c"; echo "color_wmm fdsl png 80: $(cpu $ONE "$BIN/fdsl" render --preset stat-spectrum-color-wmm --instances 80 --threads 1 --encoding png --out "$T/c") CPU-s"
done
echo "## textured, cold pool $(uptime | sed 's/.*load/load/')"
/usr/bin/time -f "wall %e s, user %U, sys %S" "$BIN/fdsl" render --preset dead-leaves-textured --instances 8 --threads 2 --out "$T/d" 2>&1 | tail -3
echo "## textured, second run into the same folder"
/usr/bin/time -f "wall %e s, user %U, sys %S" "$BIN/fdsl" render --preset dead-leaves-textured --instances 8 --threads 2 --out "$T/d" 2>&1 | tail -3
echo "## verify"
/usr/bin/time -f "wall %e s, user %U, sys %S" "$BIN/fdsl" verify "$T/d" 2>&1 | tail -3
echo "## 1p-frac hopeless base"
/usr/bin/time -f "wall %e s, exit %x" "$BIN/fdsl" render --preset 1p-frac --sigma 0.100001 --points 1000000 --out "$T/p" 2>&1 | tail -3
echo "end $(date -u +%H:%M:%S) $(uptime)"
rm -rf "$T"
