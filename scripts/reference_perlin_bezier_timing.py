#!/usr/bin/env python3
"""Time what a researcher would write for Perlin-noise and Bezier-curve images, on one core, for
fdsl's speed comparison (the ACCV 2020 comparison's generators were never published; these are
the obvious Python transcriptions of fdsl's reconstructions, `fdsl-core/src/perlin_noise.rs` and
`fdsl-core/src/bezier.rs`, with Python's own random draws: the laws, not the bytes).

Perlin: a 256x256 NumPy array filled pixel by pixel with `noise.pnoise2(ox + x*f/256, oy + y*f/256,
octaves=4, persistence=p, lacunarity=2, base=b)` (the package offers `base` for another table, so
each image gets a random base and offset), min-max stretched to uint8, saved as PNG by PIL.
Bezier: 1 to 8 quadratic or cubic curves per template, control points jittered and moved per
image, each curve flattened with NumPy into chords of at most 2 px and drawn with
`ImageDraw.line(..., width=w, joint="curve")` in a grey of 128..255 on black, saved as PNG.
Prints milliseconds per image and the mean PNG bytes per pixel.
usage: reference_perlin_bezier_timing.py perlin|bezier [CATEGORIES] [INSTANCES]
(needs numpy, pillow, noise; run under `taskset -c 0` for one core)
"""
import io
import math
import random
import sys
import time

import noise
import numpy as np
from PIL import Image, ImageDraw

SIZE = 256


def perlin_image(rng, frequency, persistence):
    base, ox, oy = rng.randrange(256), rng.uniform(0, 256), rng.uniform(0, 256)
    step = frequency / SIZE
    values = np.empty((SIZE, SIZE))
    for y in range(SIZE):
        for x in range(SIZE):
            values[y, x] = noise.pnoise2(
                ox + x * step, oy + y * step, octaves=4, persistence=persistence, lacunarity=2.0, base=base
            )
    lo, hi = values.min(), values.max()
    grey = np.floor(255 * (values - lo) / (hi - lo) + 0.5) if hi > lo else np.zeros_like(values)
    return Image.fromarray(grey.astype(np.uint8), "L")


def bezier_template(rng):
    return [
        [(rng.random(), rng.random()) for _ in range(rng.choice((3, 4)))] for _ in range(rng.randint(1, 8))
    ]


def bezier_image(rng, template):
    image = Image.new("L", (SIZE, SIZE), 0)
    draw = ImageDraw.Draw(image)
    tx, ty = rng.uniform(-0.1, 0.1), rng.uniform(-0.1, 0.1)
    for curve in template:
        p = np.array([((x + rng.uniform(-0.05, 0.05) + tx) * SIZE, (y + rng.uniform(-0.05, 0.05) + ty) * SIZE)
                      for x, y in curve])
        width = rng.uniform(0.005, 0.02) * SIZE
        grey = 128 + rng.randrange(128)
        length = np.hypot(*np.diff(p, axis=0).T).sum()
        s = np.linspace(0, 1, min(max(math.ceil(length / 2), 1), 512) + 1)[:, None]
        d = len(p) - 1
        points = sum(math.comb(d, i) * (1 - s) ** (d - i) * s ** i * p[i] for i in range(d + 1))
        draw.line([tuple(q) for q in points], fill=grey, width=max(1, round(width)), joint="curve")
    return image


def main():
    kind = sys.argv[1]
    categories = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    instances = int(sys.argv[3]) if len(sys.argv) > 3 else 4
    rng = random.Random(0)
    n, png, start = 0, 0, time.perf_counter()
    for c in range(categories):
        if kind == "perlin":
            row, col = divmod(c, 10)
            frequency, persistence = 8 ** (row / 9), 0.25 + 0.6 * col / 9
            make = lambda: perlin_image(rng, frequency, persistence)  # noqa: E731
        else:
            template = bezier_template(rng)
            make = lambda: bezier_image(rng, template)  # noqa: E731
        for _ in range(instances):
            buffer = io.BytesIO()
            make().save(buffer, "PNG")
            png += buffer.tell()
            n += 1
    elapsed = time.perf_counter() - start
    print(f"{kind}: {n} images, {1000 * elapsed / n:.2f} ms/image, {png / n / SIZE ** 2:.3f} PNG bytes/pixel")


if __name__ == "__main__":
    main()
