#!/usr/bin/env python3
"""The 1p-frac reference's own `generate_image` (SUPER-TADORY/1p-frac, read from a git mirror, never
copied here) run with its random streams seeded, for fdsl-core's bit-exact replay test: given the
same draws, fdsl must make the very images.

The reference draws its multipliers (`random.uniform`) and patch masks (`random.randrange`) from
Python's `random`, here seeded with `random.seed(SEED)` once before class 0, and its map choices
from `np.random.seed(100)` (its own). The base is fdsl's seed-3 base at sigma 3.5 (BENCHMARKS.md), its
probabilities as the reference's `calc_p` recomputes them.

Writes OUT_FILE (fdsl-core/tests/data/reference_1p_frac_replay.txt): `python_seed S`, `delta D`,
`map a b c d e f p` per map (repr), then `class k attempts sha256` per class, the hash of the saved
PNG's first channel (512 x 512, row-major, after the reference's flip; its three channels are equal).

usage: reference_1p_frac_replay.py MIRROR OUT_FILE [--classes 3] [--seed 2024]  (numpy, pillow)
"""
import argparse
import glob
import hashlib
import os
import random
import sys
import tempfile

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reference_1p_frac import load_reference  # noqa: E402

BASE = [
    [-0.5717, 0.7282, 0.6947, 0.5826, 0.8189, 0.2718],
    [0.0827, -0.2265, 0.2990, 0.1258, 0.3766, -0.9184],
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mirror")
    ap.add_argument("out_file")
    ap.add_argument("--classes", type=int, default=3)
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--delta", type=float, default=0.1)
    a = ap.parse_args()
    params = np.array([[[r[0], r[1], r[4]], [r[2], r[3], r[5]]] for r in BASE])
    lines = [
        "# made by scripts/reference_1p_frac_replay.py from SUPER-TADORY/1p-frac's own generate_image",
        f"python_seed {a.seed}",
        f"delta {a.delta!r}",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        ifs_function, rfm = load_reference(a.mirror, tmp)
        flat = rfm.calc_p(params)
        lines += ["map " + " ".join(repr(float(v)) for v in row) for row in flat]
        attempts = {}
        draw_patch = ifs_function.ifs_function.draw_patch

        def counted(self, *args, **kw):
            attempts[self.fractal_name] = attempts.get(self.fractal_name, 0) + 1
            return draw_patch(self, *args, **kw)

        ifs_function.ifs_function.draw_patch = counted
        args = argparse.Namespace(
            mask_mode="random", image_size_x=512, image_size_y=512, pad_size_x=6, pad_size_y=6,
            iteration=100000, draw_type="patch_gray", pixel_threshold=0.05, delta=a.delta,
        )
        out = os.path.join(tmp, "out")
        os.makedirs(out)
        random.seed(a.seed)
        stdout, sys.stdout = sys.stdout, open(os.devnull, "w")
        for k in range(a.classes):
            rfm.generate_image(out, "base", flat, args, k)
        sys.stdout = stdout
        for k in range(a.classes):
            name = "%02d" % k
            (png,) = glob.glob(os.path.join(out, name, "*.png"))
            img = np.array(Image.open(png).convert("RGB"))
            assert (img[:, :, 0] == img[:, :, 1]).all() and (img[:, :, 0] == img[:, :, 2]).all()
            grey = np.ascontiguousarray(img[:, :, 0])
            lines.append(f"class {k} {attempts[name]} {hashlib.sha256(grey.tobytes()).hexdigest()}")
    open(a.out_file, "w").write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
