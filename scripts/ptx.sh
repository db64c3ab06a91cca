#!/usr/bin/env bash
# Build fdsl-core's kernels to PTX and check them; with --check, also that the committed
# fdsl-cuda/kernels/fdsl.ptx is what the current core compiles to (CI runs this).
#
#   scripts/ptx.sh           rebuild fdsl-cuda/kernels/fdsl.ptx (commit it with the core change)
#   scripts/ptx.sh --check   build into target/ and compare; exit 1 if stale or unsound
#
# Needs the nightly toolchain with rust-src (`rustup component add rust-src --toolchain nightly`);
# validates with ptxas when it is on PATH or in $PTXAS (pip wheel nvidia-cuda-nvcc-cu12).
set -euo pipefail
cd "$(dirname "$0")/../fdsl-cuda/kernels"
out=target/fdsl.ptx
rm -f "$out"
cargo +nightly rustc --quiet --release -- --emit=asm="$PWD/$out"
[ -s "$out" ] || { cargo clean -p fdsl-kernels --release; cargo +nightly rustc --quiet --release -- --emit=asm="$PWD/$out"; }

fail() { echo "ptx: $*" >&2; exit 1; }
# Everything resolved inside the one file.
! grep -q '\.extern \.func' "$out" || fail "unresolved .extern .func in $out"
# Bit-exactness with the CPU: no fused multiply-add, and every float operation explicitly rounded
# (mul.rn/add.rn/sub.rn, which ptxas may not contract).
! grep -qE '\bfma\.' "$out" || fail "fma in $out: fused operations break CPU = GPU"
! grep -qE '\b(mul|add|sub)\.f(32|64)\b' "$out" || fail "float op without .rn in $out (ptxas could fuse it)"
# The kernels the host launches.
for entry in fractaldb_render search_candidates fractaldb_prepare fractaldb_paint_on_chip; do
    grep -qE "\.visible \.entry $entry\(" "$out" || fail "kernel $entry missing from $out"
done
ptxas=${PTXAS:-$(command -v ptxas || true)}
if [ -n "$ptxas" ]; then
    "$ptxas" -arch=sm_90 "$out" -o target/fdsl.cubin || fail "ptxas rejects $out"
fi
# Anonymous constants are named by a hash of the source path and a counter that varies with it:
# compare with each renamed after its first appearance.
normal() {
    awk '{ while (match($0, /anon_\$_[0-9a-f]+_\$_[0-9]+/)) {
               s = substr($0, RSTART, RLENGTH); if (!(s in m)) m[s] = "anon#" n++
               $0 = substr($0, 1, RSTART - 1) m[s] substr($0, RSTART + RLENGTH) }
           print }' "$1"
}
if [ "${1:-}" = "--check" ]; then
    cmp -s <(normal fdsl.ptx) <(normal "$out") || fail "fdsl-cuda/kernels/fdsl.ptx is stale: run scripts/ptx.sh and commit it"
    echo "ptx: fdsl.ptx is fresh and sound ($(grep -c '\.entry' "$out") kernels, $(wc -c < "$out") bytes)"
else
    cp "$out" fdsl.ptx
    echo "ptx: wrote fdsl-cuda/kernels/fdsl.ptx ($(wc -c < fdsl.ptx) bytes)"
fi
