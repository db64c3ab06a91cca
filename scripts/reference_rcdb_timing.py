#!/usr/bin/env python3
"""Time the RCDB reference's per-image work on one core, for fdsl's speed comparison.

A transcription of the per-instance loop that `shared/specs/rcdb.md` describes (the reference is
`rcdb_render/make_rcdb.py`): per contour a grey level, per vertex `random.uniform(0, 10000)` fed to
`noise.pnoise1` for x and for y, the vertex moved along (cos, sin) of its angle, one `ImageDraw.line`
per polygon side on a white 512x512 RGB image, and the image saved as PNG by PIL (zlib's default level).
Categories are drawn with the reference's laws. Prints milliseconds per image, the mean V*L (vertex
moves per image, which sets the cost) and the mean PNG size.
usage: reference_rcdb_timing.py [CATEGORIES] [INSTANCES] [OUT_DIR]   (needs pillow and noise)
"""
import io
import math
import os
import random
import sys
import time

import noise
from PIL import Image, ImageDraw

SIZE = 512


def category(rng):
    while True:
        v = int(rng.expovariate(1 / 100))
        if 2 < v <= 200:
            break
    return {"v": v, "l": rng.randint(1, 200), "c": rng.uniform(0, 4), "lw": rng.uniform(0.0, 0.1)}


def instance(rng, cat):
    v, c, lw = cat["v"], cat["c"], cat["lw"]
    r0 = rng.randint(0, 100)
    ox, oy = rng.uniform(1, 2), rng.uniform(1, 2)
    cy = (SIZE + rng.randint(-400, 400)) / 2
    cx = (SIZE + rng.randint(-400, 400)) / 2
    image = Image.new("RGB", (SIZE, SIZE), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    step = 2 * math.pi / v
    xs = [math.cos(step * k) * r0 * ox for k in range(v)] + [0.0]
    ys = [math.sin(step * k) * r0 * oy for k in range(v)] + [0.0]
    for _ in range(cat["l"]):
        grey = rng.randint(0, SIZE // 2)
        nx = [noise.pnoise1(rng.uniform(0, 10000)) * c * 2 - c for _ in range(v)]
        ny = [noise.pnoise1(rng.uniform(0, 10000)) * c * 2 - c for _ in range(v)]
        for k in range(v):
            xs[k] -= math.cos(step * k) * (nx[k] - lw)
            ys[k] -= math.sin(step * k) * (ny[k] - lw)
        xs[v], ys[v] = xs[0], ys[0]
        for k in range(v):
            draw.line((xs[k] + cx, ys[k] + cy, xs[k + 1] + cx, ys[k + 1] + cy), fill=(grey, grey, grey), width=1)
    return image


def main():
    categories = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    instances = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    out = sys.argv[3] if len(sys.argv) > 3 else None
    rng = random.Random(1)
    cats = [category(rng) for _ in range(categories)]
    size = 0
    start = time.perf_counter()
    for i, cat in enumerate(cats):
        for j in range(instances):
            image = instance(rng, cat)
            if out:
                path = os.path.join(out, f"{i:05d}_{j:04d}.png")
                image.save(path)
                size += os.path.getsize(path)
            else:
                buffer = io.BytesIO()
                image.save(buffer, format="PNG")
                size += buffer.tell()
    seconds = time.perf_counter() - start
    n = categories * instances
    moves = sum(cat["v"] * cat["l"] for cat in cats) / categories
    print(f"{1000 * seconds / n:.2f} ms per image over {n} images; mean V*L {moves:.0f}; mean PNG {size / n / 1000:.1f} KB")


if __name__ == "__main__":
    main()
