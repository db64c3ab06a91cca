#!/usr/bin/env python3
"""Per-category filling rates of the FractalDB reference renderer, for fdsl's fidelity test.

A transcription of the reference algorithm as described in shared/specs/fractaldb.md
(ifs_function.calculate / __rescale / draw_point of FractalDB-Pretrained-ResNet-PyTorch):
numpy float64, the chain's uniforms from np.random.seed(100) (the reference reseeds before
every chaos game), origin kept, first map i with u <= cumsum(p)_i, bounding box per axis,
px = uint16(x / (max - min) * (W - 2 pad) + pad), point mode, value 127 at [py, px].

usage: reference_fill_rates.py CATEGORY_DIR [--size 512] [--points 100000] > out.txt
Prints `category fill_rate` per line. Needs numpy only.
"""
import argparse
import os

import numpy as np


def chain(params, points, rng_seed):
    np.random.seed(rng_seed)
    rand = np.random.random(points)
    cum = np.cumsum(params[:, 6])
    a, b, c, d, e, f = (params[:, k].tolist() for k in range(6))
    cum = cum.tolist()
    n = len(cum)
    xs = [0.0] * points
    ys = [0.0] * points
    x = y = 0.0
    for i in range(points - 1):
        u = rand[i]
        j = 0
        while j < n - 1 and u > cum[j]:
            j += 1
        x, y = x * a[j] + y * b[j] + e[j], x * c[j] + y * d[j] + f[j]
        xs[i + 1] = x
        ys[i + 1] = y
    return np.array(xs), np.array(ys)


def fill_rate(xs, ys, size, pad=6):
    xs = xs - xs.min()
    ys = ys - ys.min()
    px = (xs / (xs.max() - xs.min()) * float(size - 2 * pad) + float(pad)).astype(np.uint16)
    py = (ys / (ys.max() - ys.min()) * float(size - 2 * pad) + float(pad)).astype(np.uint16)
    image = np.zeros((size, size), np.uint8)
    image[py, px] = 127
    return np.count_nonzero(image) / float(size * size)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("categories")
    ap.add_argument("--size", type=int, default=512)
    ap.add_argument("--points", type=int, default=100000)
    ap.add_argument("--rng-seed", type=int, default=100)
    args = ap.parse_args()
    for name in sorted(n for n in os.listdir(args.categories) if n.endswith(".csv")):
        params = np.loadtxt(os.path.join(args.categories, name), delimiter=",", ndmin=2)
        xs, ys = chain(params, args.points, args.rng_seed)
        print(f"{name[:-4]} {fill_rate(xs, ys, args.size):.6f}", flush=True)


if __name__ == "__main__":
    main()
