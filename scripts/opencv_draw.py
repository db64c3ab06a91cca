#!/usr/bin/env python3
"""Write `fdsl-core/tests/data/opencv_draw.txt`: shapes drawn by OpenCV 4.9.0 as PrimGeoSeg's
reference draws its slices (float64 canvases, lineType 8, shift 0), and a digest of the pixels each
one sets.

One line per shape on its own `W x H` canvas, ending in `n digest` (`n` pixels set, `digest` the
first 16 hex digits of the SHA-256 of the canvas as bytes, 1 set and 0 not, row-major):
- `ellipse W H cx cy A B angle thickness n digest`: `cv2.ellipse(img, (cx, cy), (A, B), angle, 0,
  360, 1, thickness)` with thickness -1 (filled) or 2 to 4;
- `polylines W H closed thickness k x_1 y_1 ... x_k y_k n digest`: `cv2.polylines(img, [pts],
  closed, 1, thickness)`;
- `fillpoly W H k x_1 y_1 ... x_k y_k n digest`: `cv2.fillPoly(img, [pts], 1)`.
Shapes as PrimGeoSeg draws them (ellipses of semi-axes 0 to 40 centred in boxes of 2*max+{0,10},
polygons of 3 to 9 vertices around the box centre, vertices on and one past the border) and
harder ones (off-canvas centres and vertices, repeated points, self-crossing polygons). Seeded: the
same file on every run.
usage: opencv_draw.py [OUT]   (needs opencv-python-headless==4.9.0.80 and numpy)
"""
import hashlib
import math
import random
import sys

import cv2
import numpy as np


def digest(canvas):
    set_ = (canvas != 0).astype(np.uint8)
    return int(set_.sum()), hashlib.sha256(set_.tobytes()).hexdigest()[:16]


def primgeoseg_polygon(rng, n, side):
    """Vertices as PrimGeoSeg's polygon primitives place them (optionally scaled toward the centre)."""
    c = side // 2
    bins = np.linspace(0, 360, n + 1)
    thetas = [rng.randint(int(bins[i]), int(bins[i + 1])) for i in range(n)]
    radii = [rng.randint(min(15, c), c) for _ in range(n)]
    rate = rng.choice([1.0, 1.0, rng.uniform(0.3, 1.0)])
    radii = [int(r * rate) for r in radii]
    return [(c + int(r * math.cos(math.radians(t))), c + int(r * math.sin(math.radians(t)))) for r, t in zip(radii, thetas)]


def wild_polygon(rng, side):
    k = rng.randint(1, 9)
    spread = rng.choice([side // 2, side, 3 * side])
    base = [(rng.randint(-spread, side + spread), rng.randint(-spread, side + spread)) for _ in range(k)]
    if rng.random() < 0.2:
        base = [rng.choice(base) for _ in range(k)]
    return base


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "fdsl-core/tests/data/opencv_draw.txt"
    assert cv2.__version__ == "4.9.0", cv2.__version__
    rng = random.Random(33)
    rows = []
    for i in range(3000):
        kind = i % 3
        if kind == 0:
            big = rng.randint(0, 40)
            a, b = rng.randint(0, big), rng.randint(0, big)
            if rng.random() < 0.5:
                a, b = b, a
            side = max(2 * max(a, b) + rng.choice([0, 10]), 1)
            w = h = side
            cx = cy = side // 2
            if rng.random() < 0.15:
                cx, cy = rng.randint(-60, side + 60), rng.randint(-60, side + 60)
                w, h = rng.randint(1, 90), rng.randint(1, 90)
            angle = rng.randint(0, 180)
            thickness = rng.choice([-1, -1, 2, 2, 2, 3, 4])
            canvas = np.zeros((h, w))
            cv2.ellipse(canvas, (cx, cy), (a, b), angle, 0, 360, 1, thickness)
            n, d = digest(canvas)
            rows.append(f"ellipse {w} {h} {cx} {cy} {a} {b} {angle} {thickness} {n} {d}")
            continue
        side = rng.randint(30, 80)
        if rng.random() < 0.7:
            pts = primgeoseg_polygon(rng, rng.randint(3, 9), side)
        else:
            pts = wild_polygon(rng, side)
        canvas = np.zeros((side, side))
        arr = np.array(pts, dtype=np.int64).reshape(1, -1, 2)
        flat = " ".join(f"{x} {y}" for x, y in pts)
        if kind == 1:
            closed = rng.random() < 0.85
            thickness = rng.choice([2, 2, 2, 3, 4])
            cv2.polylines(canvas, arr, isClosed=closed, color=1, thickness=thickness)
            n, d = digest(canvas)
            rows.append(f"polylines {side} {side} {int(closed)} {thickness} {len(pts)} {flat} {n} {d}")
        else:
            cv2.fillPoly(canvas, arr, color=1)
            n, d = digest(canvas)
            rows.append(f"fillpoly {side} {side} {len(pts)} {flat} {n} {d}")
    with open(out, "w") as f:
        f.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
