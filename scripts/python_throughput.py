#!/usr/bin/env python3
"""Images/s per core on the fly, side by side in one run: fdsl (the FractalDB-1k recipe: 362 px,
200,000 points, patch mode) in unit-shuffled batches and in fully random batches, Anderson & Farrell's
`IFSGenerator.generate` at its defaults (224 px, 100,000 points), and reading + decoding the same
FractalDB images from a PNG ImageFolder through torchvision.

    python3 scripts/python_throughput.py [AF_DIR] [--seconds S]

AF_DIR holds catalys1/fractal-pretraining's `fractal_learning/fractals/{ifs,diamondsquare}.py` and
`fractal_learning/training/datamodule/datasets/generator.py` (that file is loaded alone: its package's
`__init__` imports unrelated modules); without it A&F is skipped. Needs the fdsl package, numpy, and for
the rows that use them numba + opencv-python-headless (A&F) and torchvision (ImageFolder). One thread
each (`threads=None` in fdsl: the caller's, as a DataLoader worker).
"""

import argparse
import importlib.util
import os
import pathlib
import subprocess
import sys
import tempfile
import time

import fdsl
import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]


def rate(label, make, seconds):
    """Call `make()` (returning how many images it made) until `seconds` pass; print images/s."""
    make()  # warm up (numba compiles, buffers are touched)
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        done += make()
    per_second = done / (time.perf_counter() - start)
    print(f"| {label} | {per_second:,.0f} |", flush=True)
    return per_second


def anderson_farrell(af_dir):
    sys.path.insert(0, str(af_dir))
    from fractal_learning.fractals import ifs

    path = af_dir / "fractal_learning/training/datamodule/datasets/generator.py"
    spec = importlib.util.spec_from_file_location("af_generator", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    generator = module.IFSGenerator()  # its defaults: 224 px, 100,000 points, colour, background, blur
    rng = np.random.default_rng(0)
    systems = [ifs.sample_system(int(n), rng=rng) for n in rng.integers(2, 5, 64)]
    state = {"k": 0}

    def make():
        state["k"] += 1
        generator.generate(systems[state["k"] % len(systems)])
        return 1

    return make


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("af_dir", nargs="?", type=pathlib.Path)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    ds = fdsl.Dataset("fractaldb-1k", categories=100)
    print("| per core (one thread), on the fly | images/s |\n|---|---:|")
    # Unit-shuffled: batches of 256 in a seeded order of whole units (40 images per chaos game).
    units = ds.units()
    order = np.argsort(units, kind="stable")
    groups = np.split(order, np.flatnonzero(np.diff(units[order])) + 1)
    rng = np.random.default_rng(0)
    unit_order = np.concatenate([groups[i] for i in rng.permutation(len(groups))])
    random_order = rng.permutation(len(ds))
    cursor = {"unit": 0, "random": 0}

    def batches(name, order):
        def make():
            k = cursor[name]
            batch = order[k : k + 256] if k + 256 <= len(order) else order[:256]
            cursor[name] = (k + 256) % (len(order) - 256)
            ds.render_batch(batch)
            return len(batch)

        return make

    unit = rate(
        "fdsl, FractalDB-1k recipe, unit-shuffled batches of 256", batches("unit", unit_order), args.seconds
    )
    random = rate(
        "fdsl, FractalDB-1k recipe, fully random batches of 256",
        batches("random", random_order),
        args.seconds,
    )
    if args.af_dir:
        af = rate(
            "Anderson & Farrell IFSGenerator.generate (224 px, 100k points)",
            anderson_farrell(args.af_dir),
            args.seconds,
        )
        print(f"\nfdsl / A&F: unit-shuffled {unit / af:.1f}x, fully random {random / af:.1f}x")
    try:
        from torchvision.datasets import ImageFolder
    except ImportError:
        return
    fdsl_bin = os.environ.get("FDSL_BIN", str(ROOT / "target/release/fdsl"))
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [fdsl_bin, "render", "--out", tmp + "/png", "--categories", "4", "--threads", "1"],
            check=True,
            capture_output=True,
        )
        folder = ImageFolder(tmp + "/png/train")
        state = {"k": 0}

        def read():
            state["k"] = (state["k"] + 1) % len(folder)
            folder[state["k"]][0].load()
            return 1

        rate("torchvision ImageFolder: read + decode the PNGs (PIL, mode RGB)", read, args.seconds)


if __name__ == "__main__":
    main()
