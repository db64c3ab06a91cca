#!/usr/bin/env python3
"""JPEG files made by OpenCV (opencv-python-headless's libjpeg-turbo) for fdsl-dataset's codec test
(`fdsl-dataset/tests/jpeg.rs`): `fdsl-dataset/tests/data/jpeg/CASE.jpg` and `cases.txt`.

Each case's image is a formula both sides compute (`pixel`): a hash of (x, y, channel) for noise,
mixed with smooth ramps, so blocks hold both flat and busy content. `cv2.imencode('.jpg', BGR, ...)`
writes the file (the RGB image's channels reversed, as Baradad's `cv2_imwrite` does); `cases.txt`
gives, per case, its size, channels, quality, subsampling, and the SHA-256 of the pixels cv2 and
Pillow decode from the file (RGB order), which must agree.

usage: python3 scripts/jpeg_fixtures.py   (run from the repository root; needs numpy, opencv-python-headless,
       pillow)
"""
import hashlib
import io
import os

import cv2
import numpy as np
from PIL import Image

OUT = "fdsl-dataset/tests/data/jpeg"
SAMPLING = {"4:4:4": cv2.IMWRITE_JPEG_SAMPLING_FACTOR_444, "4:2:2": cv2.IMWRITE_JPEG_SAMPLING_FACTOR_422,
            "4:2:0": cv2.IMWRITE_JPEG_SAMPLING_FACTOR_420}
# name, width, height, channels, quality, subsampling, noise share (0..=4 quarters)
CASES = [
    ("rgb-128-q95", 128, 128, 3, 95, "4:2:0", 2),
    ("rgb-128-noise-q95", 128, 128, 3, 95, "4:2:0", 4),
    ("rgb-37x53-q95", 37, 53, 3, 95, "4:2:0", 1),
    ("rgb-256-q75-444", 256, 256, 3, 75, "4:4:4", 1),
    ("rgb-64x40-q90-422", 64, 40, 3, 90, "4:2:2", 3),
    ("rgb-9x7-q100", 9, 7, 3, 100, "4:2:0", 2),
    ("rgb-48-q25", 48, 48, 3, 25, "4:2:0", 2),
    ("grey-96-q95", 96, 96, 1, 95, "4:2:0", 2),
]


def pixel(x, y, c, noise):
    """The test image: `noise` quarters of a 32-bit hash byte, the rest smooth ramps (uint8)."""
    h = ((x * 73856093) ^ (y * 19349663) ^ (c * 83492791)) & 0xFFFFFFFF
    h = ((h ^ (h >> 13)) * 0x5BD1E995) & 0xFFFFFFFF
    h ^= h >> 15
    ramp = (x * (3 + c) + y * (5 - c) + 40 * c) % 256
    return (noise * (h & 0xFF) + (4 - noise) * ramp) // 4


def image(width, height, channels, noise):
    y, x, c = np.meshgrid(np.arange(height), np.arange(width), np.arange(channels), indexing="ij")
    return pixel(x.astype(np.int64), y.astype(np.int64), c.astype(np.int64), noise).astype(np.uint8)


def main():
    os.makedirs(OUT, exist_ok=True)
    lines = [f"# made by scripts/jpeg_fixtures.py with OpenCV {cv2.__version__} "
             f"({next(l.strip() for l in cv2.getBuildInformation().splitlines() if 'JPEG:' in l)})",
             "# name width height channels quality subsampling noise sha256(decoded pixels, RGB)"]
    for name, w, h, ch, q, sub, noise in CASES:
        img = image(w, h, ch, noise)
        bgr = img[:, :, ::-1] if ch == 3 else img[:, :, 0]
        ok, buf = cv2.imencode(".jpg", np.ascontiguousarray(bgr),
                               [cv2.IMWRITE_JPEG_QUALITY, q, cv2.IMWRITE_JPEG_SAMPLING_FACTOR, SAMPLING[sub]])
        assert ok
        data = buf.tobytes()
        with open(f"{OUT}/{name}.jpg", "wb") as f:
            f.write(data)
        flag = cv2.IMREAD_COLOR if ch == 3 else cv2.IMREAD_GRAYSCALE
        decoded = cv2.imdecode(np.frombuffer(data, np.uint8), flag)
        decoded = decoded[:, :, ::-1] if ch == 3 else decoded
        pil = np.array(Image.open(io.BytesIO(data)).convert("RGB" if ch == 3 else "L"))
        assert np.array_equal(decoded, pil), f"{name}: cv2 and Pillow decode differently"
        digest = hashlib.sha256(np.ascontiguousarray(decoded).tobytes()).hexdigest()
        lines.append(f"{name} {w} {h} {ch} {q} {sub} {noise} {digest}")
    with open(f"{OUT}/cases.txt", "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
