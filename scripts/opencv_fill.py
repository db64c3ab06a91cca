#!/usr/bin/env python3
"""Write `fdsl-core/tests/data/opencv_fill.txt`: shapes filled by OpenCV as dead leaves' reference
fills its leaves (`cv2.circle(..., thickness=-1)`, `cv2.fillPoly`, lineType 8, shift 0), and a
digest of the pixels each one sets.

One line per shape on its own `W x H` canvas: `circle W H cx cy r n digest` or
`poly W H k x_1 y_1 ... x_k y_k n digest`, where `n` is the number of pixels set and `digest` the
first 16 hex digits of the SHA-256 of the canvas as bytes (1 set, 0 not), row-major. Shapes inside,
across and far outside the canvas, radii 0 to 5,000, polygons of 1 to 8 vertices (repeated,
collinear, self-crossing, coordinates up to 100,000), and dead leaves' own squares, rotated squares,
rectangles, triangles and quadrilaterals on 128 px. Seeded: the same file on every run for a given
OpenCV. Written with opencv-python-headless 4.5.5.64 (numpy < 2), the OpenCV of the reference's
release (Feb 2022, unpinned); OpenCV 5.0.0 fills 545 of these 4,000 shapes differently (all with a
vertex off the canvas: its scan-line fill paints runs beyond the canvas on its border).
usage: opencv_fill.py [OUT]   (needs opencv-python-headless 4.x and numpy)
"""
import hashlib
import math
import random
import sys

import cv2
import numpy as np

SIZES = [(40, 30), (40, 30), (33, 47), (128, 128), (1, 1), (2, 3), (5, 1)]


def coordinate(rng, side):
    kind = rng.random()
    if kind < 0.7:
        return rng.randint(-side // 2 - 2, side + side // 2 + 2)
    if kind < 0.85:
        return rng.randint(-3, 3) + rng.choice([0, side - 1, side])
    if kind < 0.95:
        return rng.randint(-4 * side - 10, 5 * side + 10)
    return rng.randint(-100_000, 100_000)


def radius(rng, side):
    kind = rng.random()
    if kind < 0.5:
        return rng.randint(0, max(side // 2, 3))
    if kind < 0.8:
        return rng.randint(0, 2 * side + 4)
    if kind < 0.95:
        return rng.randint(0, 6)
    return rng.randint(0, 5000)


def polygon(rng, w, h):
    k = rng.choice([1, 2, 3, 3, 4, 4, 4, 5, 6, 8])
    kind = rng.random()
    if kind < 0.6:
        pts = [(coordinate(rng, w), coordinate(rng, h)) for _ in range(k)]
    elif kind < 0.75:  # repeated vertices
        base = [(coordinate(rng, w), coordinate(rng, h)) for _ in range(max(1, k // 2))]
        pts = [rng.choice(base) for _ in range(k)]
    elif kind < 0.9:  # collinear
        x0, y0 = coordinate(rng, w), coordinate(rng, h)
        dx, dy = rng.randint(-5, 5), rng.randint(-5, 5)
        pts = [(x0 + dx * rng.randint(-6, 6), y0 + dy * rng.randint(-6, 6)) for _ in range(k)]
    else:  # small, around one pixel
        x0, y0 = rng.randint(0, w), rng.randint(0, h)
        pts = [(x0 + rng.randint(-2, 2), y0 + rng.randint(-2, 2)) for _ in range(k)]
    return pts


def leaf(rng, res):
    """A dead-leaves polygon as the reference builds it (numpy int32 truncations included)."""
    shape = rng.choice(["square", "oriented_square", "rectangle", "triangle", "quadrilater"])
    r = max(int(rng.uniform(0.03, 1.0) * res), 1)
    c = np.array((int(rng.uniform(0, res)), int(rng.uniform(0, res))))
    if shape in ("square", "oriented_square"):
        s = r * np.sqrt(2)
        corners = np.array(((-s / 2, -s / 2), (s / 2, -s / 2), (s / 2, s / 2), (-s / 2, s / 2)), dtype="int32")
        if shape == "oriented_square":
            t = rng.uniform(0, 2 * np.pi)
            rot = np.array(((np.cos(t), -np.sin(t)), (np.sin(t), np.cos(t))))
            corners = (rot @ corners.transpose()).transpose()
    elif shape == "rectangle":
        a = rng.uniform(0, 0.5 * np.pi)
        x, y = r * np.cos(a), r * np.sin(a)
        corners = np.array(((x, y), (x, -y), (-x, -y), (-x, y)), dtype="int32")
    else:
        angles = sorted(rng.uniform(0, 2 * np.pi) for _ in range(3 if shape == "triangle" else 4))
        corners = [(r * math.cos(a), r * math.sin(a)) for a in angles]
    return [tuple(int(v) for v in p) for p in np.array(c + np.array(corners), dtype="int32")]


def digest(canvas):
    return int(canvas.sum()), hashlib.sha256(canvas.tobytes()).hexdigest()[:16]


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "fdsl-core/tests/data/opencv_fill.txt"
    rng = random.Random(2021)
    rows = []
    for i in range(4000):
        w, h = (128, 128) if i % 4 == 3 else rng.choice(SIZES)
        canvas = np.zeros((h, w), dtype=np.uint8)
        if i % 4 == 0:
            cx, cy, r = coordinate(rng, w), coordinate(rng, h), radius(rng, max(w, h))
            cv2.circle(canvas, (cx, cy), r, 1, thickness=-1)
            n, d = digest(canvas)
            rows.append(f"circle {w} {h} {cx} {cy} {r} {n} {d}")
            continue
        pts = leaf(rng, 128) if i % 4 == 3 else polygon(rng, w, h)
        cv2.fillPoly(canvas, np.array(pts, dtype=np.int32)[None], 1)
        n, d = digest(canvas)
        flat = " ".join(f"{x} {y}" for x, y in pts)
        rows.append(f"poly {w} {h} {len(pts)} {flat} {n} {d}")
    with open(out, "w") as f:
        f.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
