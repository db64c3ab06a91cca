#!/usr/bin/env python3
"""Write `fdsl-core/tests/data/pil_polygons.txt`: polygons filled by PIL's `ImageDraw.polygon(xy,
fill=1)` on a 40 x 30 "L" canvas, as SegRCDB's reference fills its ring and solid masks, and the
pixels each one sets.

One line per polygon: `n x1 y1 ... xn yn m r_1 ... r_m`, the vertices as Python writes floats
(they parse back exactly), then the runs of pixels set, `start:length` with `start` the row-major
index `y * 40 + x`, ascending.
Half the polygons repeat every vertex as SegRCDB's lists do (`P0 P1 P1 P2 ... P(n-1) P0`); many
cross themselves or leave the canvas. Seeded; run with the Pillow the reference pins (9.0.0, whose
fill `polygon_generic` differs at some boundary pixels from Pillow >= 9.1's). Prints how many
polygons differ from the installed Pillow's if given `--compare FILE`.
usage: pil_polygons.py [OUT] [--compare FILE]   (needs pillow, numpy)
"""
import random
import sys

import numpy as np
from PIL import Image, ImageDraw

WIDTH, HEIGHT = 40, 30


def polygons(rng, count):
    for k in range(count):
        n = rng.randint(2, 9)
        pts = [(rng.uniform(-0.3 * WIDTH, 1.3 * WIDTH), rng.uniform(-0.3 * HEIGHT, 1.3 * HEIGHT)) for _ in range(n)]
        if rng.random() < 0.3:
            pts = [(float(round(x)), float(round(y))) for x, y in pts]
        if k % 2 == 1:
            doubled = []
            for i in range(n):
                doubled += [pts[i], pts[(i + 1) % n]]
            pts = doubled
        yield pts


def filled(pts):
    im = Image.new("L", (WIDTH, HEIGHT), 0)
    ImageDraw.Draw(im).polygon(pts, fill=1)
    return np.flatnonzero(np.frombuffer(im.tobytes(), np.uint8))


def main():
    args = sys.argv[1:]
    out = args[0] if args and not args[0].startswith("--") else "fdsl-core/tests/data/pil_polygons.txt"
    lines = []
    for pts in polygons(random.Random(24), 300):
        runs = []
        for i in filled(pts):
            if runs and runs[-1][0] + runs[-1][1] == i and i % WIDTH != 0:
                runs[-1][1] += 1
            else:
                runs.append([i, 1])
        coords = " ".join(f"{x!r} {y!r}" for x, y in pts)
        lines.append(f"{len(pts)} {coords} {len(runs)} " + " ".join(f"{a}:{b}" for a, b in runs))
    if "--compare" in args:
        old = open(args[args.index("--compare") + 1]).read().splitlines()[1:]
        print(sum(a != b for a, b in zip(old, lines)), "of", len(lines), "polygons differ", file=sys.stderr)
        return
    import PIL
    open(out, "w").write(f"# Pillow {PIL.__version__}\n" + "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
