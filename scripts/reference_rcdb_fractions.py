#!/usr/bin/env python3
"""Summarise an RCDB reference run for `tests/fidelity.rs`: per category, its parameters and the mean
fraction of non-white pixels of its images.

The run: the reference's `make_rcdb.py --numof_classes 200 --numof_instances 8 --numof_thread 1
--thread_num 0` (512 px; its RNG seeded with 1), which writes `param/{cat:05d}.csv` and
`image/{cat:05d}/*.png` under `--save_root`. Prints one line per category:
`Vertex Perlin_noise line_width Line_num mean_drawn_fraction`.
usage: reference_rcdb_fractions.py SAVE_ROOT > tests/data/reference_rcdb_512.txt   (needs pillow, numpy)
"""
import csv
import glob
import os
import sys

import numpy as np
from PIL import Image


def main():
    root = sys.argv[1]
    for param in sorted(glob.glob(os.path.join(root, "param", "*.csv"))):
        cat = os.path.splitext(os.path.basename(param))[0]
        with open(param) as f:
            p = {row[0]: row[1] for row in csv.reader(f)}
        images = sorted(glob.glob(os.path.join(root, "image", cat, "*.png")))
        drawn = [float((np.asarray(Image.open(i).convert("L")) != 255).mean()) for i in images]
        print(p["Vertex"], p["Perlin_noise"], p["line_width"], p["Line_num"], f"{np.mean(drawn):.6f}")


if __name__ == "__main__":
    main()
