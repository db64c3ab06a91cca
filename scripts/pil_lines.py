#!/usr/bin/env python3
"""Write `fdsl-core/tests/data/pil_lines.txt`: segments drawn by PIL's `ImageDraw.line(width=1)`, as
RCDB's reference draws its contours, and the pixels each one sets on a 40 x 30 canvas.

One line per segment: `x0 y0 x1 y1 n i_1 ... i_n`, the end points as Python writes floats (they
parse back exactly), then the row-major indices `y * 40 + x` of the pixels PIL set, ascending.
Seeded: the same file on every run for a given Pillow (written with Pillow 13.0.0; the reference
pins 9.0.0, whose line code, `(int)` casts and Bresenham in `libImaging/Draw.c`, is the same).
usage: pil_lines.py [OUT]   (needs pillow and numpy)
"""
import random
import sys

import numpy as np
from PIL import Image, ImageDraw

WIDTH, HEIGHT = 40, 30


def coordinate(rng, side):
    kind = rng.random()
    if kind < 0.6:
        return rng.uniform(-0.3 * side, 1.3 * side)
    if kind < 0.75:
        return float(rng.randint(-5, side + 5))
    if kind < 0.85:
        return rng.randint(-5, side + 5) + 0.5
    if kind < 0.95:
        return rng.uniform(-1.0, 1.0)
    return rng.uniform(-1e4, 1e4)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "fdsl-core/tests/data/pil_lines.txt"
    rng = random.Random(2022)
    rows = []
    for _ in range(600):
        seg = (coordinate(rng, WIDTH), coordinate(rng, HEIGHT), coordinate(rng, WIDTH), coordinate(rng, HEIGHT))
        image = Image.new("L", (WIDTH, HEIGHT), 255)
        ImageDraw.Draw(image).line(seg, fill=0, width=1)
        pixels = np.flatnonzero(np.asarray(image) == 0).tolist()
        rows.append(" ".join([repr(v) for v in seg] + [str(len(pixels))] + [str(i) for i in pixels]))
    with open(out, "w") as f:
        f.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
