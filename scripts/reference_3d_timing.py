#!/usr/bin/env python3
"""Time the 3-D IFS reference's per-candidate work on one core, for fdsl's speed comparison.

A transcription of `IteratedFunctionSystem.calculate` and the `min_max` / `centoroid` / `np.var`
steps of `category_search.py` (ExFractalDB / PC-FractalDB references): a Python loop over 10,000
points with dict lookups per map, numpy for the rest. Prints seconds per candidate.
usage: reference_3d_timing.py [CANDIDATES] [POINTS]   (needs numpy; POINTS defaults to 10,000;
2,000 times PC-FractalDB's per-instance noise part)
"""
import sys
import time

import numpy as np


def candidate(rng, points):
    n = rng.integers(2, 8)
    maps = []
    total = 0.0
    for _ in range(n):
        k = rng.uniform(-1.0, 1.0, 12)
        p = abs(np.linalg.det(k[:9].reshape(3, 3)))
        total += p
        maps.append(dict(zip("abcdefghijkl", k.tolist()), proba=p))
    cum, acc = [], 0.0
    for m in maps:
        acc += m["proba"] / total
        cum.append(acc)
    rand = np.random.random(points)
    xs, ys, zs = [], [], []
    x = y = z = 0.0
    for i in range(points - 1):
        for j in range(len(cum)):
            if rand[i] <= cum[j]:
                f = maps[j]
                nx = x * f["a"] + y * f["b"] + z * f["c"] + f["j"]
                ny = x * f["d"] + y * f["e"] + z * f["f"] + f["k"]
                nz = x * f["g"] + y * f["h"] + z * f["i"] + f["l"]
                break
        xs.append(nx), ys.append(ny), zs.append(nz)
        x, y, z = nx, ny, nz
    pts = np.array((xs, ys, zs), dtype=float)
    pts = (pts - pts.min()) / (pts.max() - pts.min()) * 2 - 1
    pts = pts - pts.sum(axis=1, keepdims=True) / points
    return np.var(pts, axis=1)


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    points = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    rng = np.random.default_rng(0)
    start = time.perf_counter()
    with np.errstate(all="ignore"):
        for _ in range(count):
            candidate(rng, points)
    print(f"{(time.perf_counter() - start) / count:.4f} s per candidate ({points}-point chain + normalisation)")


if __name__ == "__main__":
    main()
