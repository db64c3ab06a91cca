#!/usr/bin/env python3
"""FractalDB's colour mode (draw_type patch_color / point_color) side by side with fdsl's --colour hue.

Runs the reference's own renderer, `fractal_renderer/ifs_function.py` of
hirokatsukataoka16/FractalDB-Pretrained-ResNet-PyTorch (read from a git mirror, imported unchanged
from a temporary folder), on the first N official categories at weight row 0 of weights_0.4.csv
(a x 0.2, as fdsl's instance 0), count 0, and compares per-image statistics of the lit pixels of its
flip0 image with fdsl's instance 0 of the same class (`fdsl render --colour hue --instances 1`):
the lit share, the per-channel mean of lit pixels, and the L1 distance between the two images'
histograms over the 128 hue colours. The reference's patches come from Python's unseeded `random`,
so two reference runs give its own run-to-run spread.

usage: reference_fractaldb_colour.py MIRROR_GIT_DIR FDSL_BIN [--categories 8] [--draw patch]
       reference_fractaldb_colour.py MIRROR_GIT_DIR --palette > fdsl-core/tests/data/fractaldb_hue_colours.txt
"""
import argparse
import glob
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
from PIL import Image

CATEGORIES = os.path.join(os.path.dirname(__file__), "..", "fdsl-dataset", "data", "fractaldb-1k", "categories")


def reference_module(git_dir, into):
    source = subprocess.run(
        ["git", "--git-dir", git_dir, "show", "HEAD:fractal_renderer/ifs_function.py"],
        check=True, capture_output=True, text=True,
    ).stdout
    with open(os.path.join(into, "ifs_function.py"), "w") as f:
        f.write(source)
    sys.path.insert(0, into)
    import ifs_function
    return ifs_function.ifs_function


def reference_image(ifs_function, csv, out_dir, draw, size=362, points=200_000):
    name = os.path.splitext(os.path.basename(csv))[0]
    os.makedirs(os.path.join(out_dir, name), exist_ok=True)
    g = ifs_function(prev_x=0.0, prev_y=0.0, save_root=out_dir, fractal_name=name, fractal_weight_count="00")
    for row in np.genfromtxt(csv, delimiter=",", ndmin=2):
        # weights_0.4.csv row 0: (0.2, 1, 1, 1, 1, 1)
        g.set_param(*row[:7], weight_a=0.2, weight_b=1.0, weight_c=1.0, weight_d=1.0, weight_e=1.0, weight_f=1.0)
    g.calculate(points)
    if draw == "patch":
        g.draw_patch(size, size, 6, 6, "color", 0)
    else:
        g.draw_point(size, size, 6, 6, "color", 0)
    return np.array(Image.open(os.path.join(out_dir, name, f"{name}_00_count_0_flip0.png")).convert("RGB"))


def stats(image, palette_index):
    lit = image.sum(axis=2) > 0
    pixels = image[lit]
    keys = pixels[:, 0].astype(np.int64) << 16 | pixels[:, 1].astype(np.int64) << 8 | pixels[:, 2]
    hist = np.bincount([palette_index.get(int(k), 128) for k in keys], minlength=129)[:128]
    return lit.mean(), pixels.mean(axis=0), hist / max(hist.sum(), 1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("git_dir")
    ap.add_argument("fdsl", nargs="?")
    ap.add_argument("--categories", type=int, default=8)
    ap.add_argument("--draw", default="patch", choices=["patch", "point"])
    ap.add_argument("--palette", action="store_true", help="print the reference's convert_color(i, 128), i < 128")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp()
    ifs_function = reference_module(a.git_dir, tmp)
    palette = [tuple(int(v) for v in ifs_function.convert_color(None, i, 128)) for i in range(128)]
    if a.palette:
        for rgb in palette:
            print(*rgb)
        return
    index = {r << 16 | g << 8 | b: i for i, (r, g, b) in enumerate(palette)}
    csvs = sorted(glob.glob(os.path.join(CATEGORIES, "*.csv")))[: a.categories]
    out = os.path.join(tmp, "fdsl")
    t = time.perf_counter()
    subprocess.run([a.fdsl, "render", "--preset", "fractaldb-1k", "--categories", str(a.categories), "--instances", "1",
                    "--colour", "hue", "--draw", a.draw, "--threads", "1", "--out", out], check=True, capture_output=True)
    fdsl_seconds = time.perf_counter() - t
    rows, ref_seconds = [], 0.0
    for c, csv in enumerate(csvs):
        ours = stats(np.array(Image.open(glob.glob(os.path.join(out, "train", f"{c:05}", "*.png"))[0])), index)
        t = time.perf_counter()
        ref = [stats(reference_image(ifs_function, csv, os.path.join(tmp, f"run{r}"), a.draw), index) for r in (1, 2)]
        ref_seconds += time.perf_counter() - t
        rows.append((ours, *ref))
        l1 = lambda x, y: np.abs(x[2] - y[2]).sum()
        print(f"class {c}: lit fdsl {ours[0]:.4f} ref {ref[0][0]:.4f} / {ref[1][0]:.4f}; "
              f"RGB mean fdsl {np.round(ours[1], 1)} ref {np.round(ref[0][1], 1)}; "
              f"hue-histogram L1 fdsl-ref {l1(ours, ref[0]):.3f}, ref-ref {l1(ref[0], ref[1]):.3f}", flush=True)
    col = lambda k, i: np.array([r[k][i] for r in rows])
    print(f"mean lit share: fdsl {col(0, 0).mean():.4f}, reference {col(1, 0).mean():.4f} (run 2: {col(2, 0).mean():.4f})")
    for ch, name in enumerate("RGB"):
        f, r1, r2 = (np.array([r[k][1][ch] for r in rows]).mean() for k in range(3))
        print(f"mean {name} of lit pixels: fdsl {f:.2f}, reference {r1:.2f} (run 2: {r2:.2f})")
    print(f"images/s, one core: fdsl {len(csvs) / fdsl_seconds:.1f} (process start included), "
          f"reference {2 * len(csvs) / ref_seconds:.3f}")


if __name__ == "__main__":
    main()
