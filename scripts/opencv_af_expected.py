#!/usr/bin/env python3
"""Expected values for fdsl-core's Anderson & Farrell tests, made by the libraries the reference
(catalys1/fractal-pretraining) calls: OpenCV's cvtColor(HSV2RGB) and GaussianBlur on uint8, and
numba's np.uint8() of floats.

Writes fdsl-core/tests/data/opencv_af.txt, one value per line, `key fields...`:
- hsv2rgb_sha256: SHA-256 of cv2.cvtColor(COLOR_HSV2RGB) of all 2^24 (H, S, V) triples, H major,
  V minor (one 4096 x 4096 image), RGB bytes in that order; hsv2rgb_samples: a few of them;
- blur: for sigmas in [0.5, 1.0] (and a few outside), cv2.GaussianBlur(img, (3, 3), sigma) of a
  12 x 12 x 3 image with bytes (31*i + 17*j + 5*c + i*j) % 256 (i row, j column, c channel), hex;
- uint8_wrap: numba's np.uint8(v) for some floats.

Usage: python3 scripts/opencv_af_expected.py  (needs numpy, opencv-python-headless, numba)
"""
import hashlib
import pathlib

import cv2
import numba
import numpy as np

out = {"opencv": cv2.__version__, "numba": numba.__version__}
h, s, v = np.meshgrid(np.arange(256), np.arange(256), np.arange(256), indexing="ij")
hsv = np.stack([h, s, v], -1).astype(np.uint8).reshape(4096, 4096, 3)
rgb = cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB)
out["hsv2rgb_sha256"] = hashlib.sha256(rgb.tobytes()).hexdigest()
flat_hsv, flat_rgb = hsv.reshape(-1, 3), rgb.reshape(-1, 3)
picks = list(range(0, 1 << 24, 65537)) + [(0 << 16) | (1 << 8) | 1, (200 << 16) | (255 << 8) | 255]
out["hsv2rgb_samples"] = [[flat_hsv[i].tolist(), flat_rgb[i].tolist()] for i in picks]

i, j, c = np.meshgrid(np.arange(12), np.arange(12), np.arange(3), indexing="ij")
img = ((31 * i + 17 * j + 5 * c + i * j) % 256).astype(np.uint8)
sigmas = [float(x) for x in np.linspace(0.5, 1.0, 41)] + [0.3, 1.7, 3.0]
out["blur"] = [[sg, cv2.GaussianBlur(img, (3, 3), sg).tobytes().hex()] for sg in sigmas]


@numba.njit
def wrap(a):
    r = np.empty(len(a), dtype=np.uint8)
    for k in range(len(a)):
        r[k] = np.uint8(a[k])
    return r


floats = [-3.7, -0.5, 0.0, 0.99, 255.9, 256.2, 300.7, 509.9, -200.3, 1000.5, -1000.5]
out["uint8_wrap"] = [[x, int(y)] for x, y in zip(floats, wrap(np.array(floats)))]

lines = [f"# made by scripts/opencv_af_expected.py with OpenCV {out['opencv']}, numba {out['numba']}"]
lines.append(f"hsv2rgb_sha256 {out['hsv2rgb_sha256']}")
lines += [f"hsv {' '.join(map(str, a + b))}" for a, b in out["hsv2rgb_samples"]]
lines += [f"blur {sg!r} {hx}" for sg, hx in out["blur"]]
lines += [f"wrap {x!r} {y}" for x, y in out["uint8_wrap"]]
path = pathlib.Path(__file__).resolve().parent.parent / "fdsl-core/tests/data/opencv_af.txt"
path.write_text("\n".join(lines) + "\n")
print(f"wrote {path}")
