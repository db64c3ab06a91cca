#!/usr/bin/env python3
"""Fidelity and speed of fdsl's af-fractals-1k against Anderson & Farrell's own generator.

The reference (catalys1/fractal-pretraining, its code unchanged: `fractals/ifs.py`,
`fractals/diamondsquare.py`, `training/datamodule/datasets/generator.py`) is read from a git
mirror into a temporary folder and imported from there. It samples `--systems` systems with
`ifs.sample_system(n=(2, 5), bval=1)` (as `ifs.py --min_n 2 --max_n 4` does) and renders one image
of each with `IFSGenerator()` at its defaults (experiment/frac.yaml: 224 px, 100,000 points);
fdsl does the same through `cargo run --release -p fdsl-core --example af_stats`.

Printed per side: the filling rate (share of pixels the fractal covers before the background goes
under it: the reference's graded render `cache['fg'] > 0`, fdsl's hit counts > 0), the per-channel
mean colour of the final images, each as mean over images; the reference's run-to-run spread (the
standard deviation of those means over `--runs` independent reference runs); images per second on
one core (the reference after numba's compilation, timed in this run).

Usage: python3 scripts/reference_af.py [--mirror DIR] [--systems 300] [--runs 3]
(needs numpy, numba, opencv-python-headless; run from the repository root)
"""
import argparse
import os
import pathlib
import subprocess
import sys
import tempfile
import time

import numpy as np

FILES = [
    "fractal_learning/fractals/ifs.py",
    "fractal_learning/fractals/diamondsquare.py",
    "fractal_learning/training/datamodule/datasets/generator.py",
]


def load_reference(mirror, tmp):
    for f in FILES:
        text = subprocess.run(["git", "--git-dir", mirror, "show", f"HEAD:{f}"], check=True, capture_output=True, text=True).stdout
        path = pathlib.Path(tmp, f)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    for d in ["fractal_learning", "fractal_learning/fractals"]:
        pathlib.Path(tmp, d, "__init__.py").touch()
    sys.path.insert(0, str(pathlib.Path(tmp)))
    sys.path.insert(0, str(pathlib.Path(tmp, "fractal_learning/training/datamodule/datasets")))
    from fractal_learning.fractals import ifs  # noqa: E402
    import generator  # noqa: E402
    return ifs, generator


def reference_run(ifs, generator, systems, seed):
    rng = np.random.default_rng(seed)
    np.random.seed(seed)
    gen = generator.IFSGenerator()
    stats, seconds = [], 0.0
    for _ in range(systems):
        sys_ = ifs.sample_system((2, 5), bval=1, rng=rng)
        t = time.perf_counter()
        img = gen(sys_)
        seconds += time.perf_counter() - t
        fill = float((gen.cache["fg"] > 0).mean())
        stats.append([fill, *img.reshape(-1, 3).mean(0)])
    return np.array(stats), seconds


def fdsl_run(systems, seed):
    cmd = ["cargo", "run", "-q", "--release", "-p", "fdsl-core", "--example", "af_stats", "--", str(systems), "1", str(seed)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.split("\n")
    rows = [list(map(float, line.split())) for line in out if line and not line.startswith(("seconds", "cpu"))]
    seconds = float([line for line in out if line.startswith("seconds")][0].split()[1])
    return np.array(rows), seconds


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mirror", default="/work/.mirror/catalys1+fractal-pretraining/repo")
    ap.add_argument("--systems", type=int, default=300)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    os.environ.setdefault("NUMBA_NUM_THREADS", "1")
    import cv2

    cv2.setNumThreads(1)  # one core: OpenCV would otherwise blur and convert on every core
    with tempfile.TemporaryDirectory() as tmp:
        ifs, generator = load_reference(a.mirror, tmp)
        reference_run(ifs, generator, 2, 12345)  # numba compiles here, untimed
        runs = [reference_run(ifs, generator, a.systems, 1000 + r) for r in range(a.runs)]
    ref_means = np.array([s.mean(0) for s, _ in runs])
    ref_speed = sum(a.systems for _ in runs) / sum(t for _, t in runs)
    ours = [fdsl_run(a.systems, r) for r in range(a.runs)]
    our_means = np.array([s.mean(0) for s, _ in ours])
    our_speed = sum(a.systems for _ in ours) / sum(t for _, t in ours)
    names = ["filling rate", "mean R", "mean G", "mean B"]
    print(f"{a.systems} systems x 1 image, {a.runs} runs each side (224 px, 100,000 points)")
    print(f"{'':14}{'reference':>12}{'fdsl':>12}{'diff':>10}{'ref spread':>12}{'fdsl spread':>12}")
    for k, n in enumerate(names):
        r, o = ref_means[:, k].mean(), our_means[:, k].mean()
        print(f"{n:14}{r:12.4f}{o:12.4f}{o - r:10.4f}{ref_means[:, k].std(ddof=1):12.4f}{our_means[:, k].std(ddof=1):12.4f}")
    pooled_ref = np.concatenate([s for s, _ in runs])
    pooled_our = np.concatenate([s for s, _ in ours])
    print(f"per-image std  reference {np.round(pooled_ref.std(0), 4).tolist()}  fdsl {np.round(pooled_our.std(0), 4).tolist()}")
    print(f"blank fractals  reference {(pooled_ref[:, 0] == 0).mean():.4f}  fdsl {(pooled_our[:, 0] == 0).mean():.4f}")
    print(f"images/s on one core  reference {ref_speed:.1f}  fdsl {our_speed:.1f}  ({our_speed / ref_speed:.2f}x)")


if __name__ == "__main__":
    main()
