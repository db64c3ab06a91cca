#!/usr/bin/env python3
"""Read fdsl point clouds with the packages 3-D training code uses, and check them.

usage: check_ply.py PLY_DIR NPY_DIR    (both the same PC-FractalDB spec, --format ply and npy)
Every PLY of the manifest parses with `plyfile`, has main + noise vertices, finite, centred, within
[-4, 4]; every .npy loads memory-mapped as float32 N x 3 and holds the same points as its PLY.
Needs: pip install plyfile numpy.
"""
import json
import os
import sys

import numpy as np
from plyfile import PlyData


def manifest(root):
    with open(os.path.join(root, "manifest.json")) as f:
        m = json.load(f)
    assert m["complete"], root
    return m


def check_cloud(points, expected, where):
    assert points.shape == (expected, 3), (where, points.shape)
    assert np.isfinite(points).all() and np.abs(points).max() <= 4.0, where
    assert np.abs(points.astype(np.float64).mean(axis=0)).max() < 1e-4, (where, points.mean(axis=0))


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    ply_root, npy_root = sys.argv[1:]
    m = manifest(ply_root)
    spec = m["spec"]
    expected = spec["main"] + spec["noise"]
    plys = [f for f in m["files"] if f.endswith(".ply")]
    assert len(plys) == spec["categories"] * spec["instances"], len(plys)
    for f in plys:
        vertex = PlyData.read(os.path.join(ply_root, f))["vertex"]
        points = np.stack([vertex["x"], vertex["y"], vertex["z"]], axis=1)
        check_cloud(points, expected, f)
    n = manifest(npy_root)
    rows = 0
    for f in sorted(x for x in n["files"] if x.endswith(".npy")):
        points = np.load(os.path.join(npy_root, f), mmap_mode="r")
        assert points.dtype == np.float32, f
        check_cloud(np.asarray(points), expected, f)
        vertex = PlyData.read(os.path.join(ply_root, f[:-4] + ".ply"))["vertex"]
        assert np.array_equal(points, np.stack([vertex["x"], vertex["y"], vertex["z"]], axis=1)), f
        rows += 1
    assert rows == len(plys), (rows, len(plys))
    print(f"python readers: {len(plys)} PLY files read with plyfile and {rows} npy files, the same points, centred and finite")


if __name__ == "__main__":
    main()
