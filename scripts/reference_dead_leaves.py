#!/usr/bin/env python3
"""Dead leaves: the reference's own `dead_leaves()` against fdsl's family, side by side.

Runs mbaradad/learning_with_noise `generate_datasets/dead_leaves/generate_dataset.py`'s
`dead_leaves(res, sigma=3, shape_mode)` (its source taken from the mirror with git, written to a
temporary module with only the imports it uses, numpy / random / cv2) on images i = 0..N-1 and
N..2N-1 (`random.seed(i); np.random.seed(i)` per image, as `generate_single_train`), and fdsl's
`dead_leaves_stats` example (release build) on images 0..N-1 of seeds 0 and 1, at 128 px, and prints
for each shape model: leaves painted until covered (mean, sd, how many hit the 5,000 cap), the
radius histogram of the painted leaves against the law (inverse CDF by argmin over 200 bins of
r^-3 - 1 on [0.03, 1]), the per-channel colour mean and histogram, and images/s on one core. The
reference's two seed sets give its own run-to-run spread, printed next to each fdsl difference.
The reference is counted by wrapping the `cv2` and `max` it calls (one call per leaf each).
usage: reference_dead_leaves.py [N] [MIRROR_GIT_DIR]
       (needs numpy and opencv-python-headless, 4.x for the reference's pixels; run from the repo root)
"""
import json
import os
import random
import subprocess
import sys
import tempfile
import time

import cv2
import numpy as np

MODELS = {"squares": "square", "oriented": "oriented_square", "mixed": "mixed"}
RES = 128
BANDS = [(1, 3), (4, 7), (8, 15), (16, 31), (32, 63), (64, 127)]


def reference_module(mirror):
    """The reference's `dead_leaves`, imported from a temporary module."""
    text = subprocess.run(
        ["git", "--git-dir", mirror, "show", "HEAD:generate_datasets/dead_leaves/generate_dataset.py"],
        check=True, capture_output=True, text=True).stdout
    start = text.index("def dead_leaves(")
    end = text.index("\ndef generate_dataset(")
    folder = tempfile.mkdtemp()
    with open(os.path.join(folder, "reference_dead_leaves_fn.py"), "w") as f:
        f.write("import random\nimport numpy as np\nimport cv2\n\n" + text[start:end])
    sys.path.insert(0, folder)
    import reference_dead_leaves_fn
    return reference_dead_leaves_fn


class Counting:
    """The `cv2` the reference sees: counts leaves and keeps their colours."""

    def __init__(self):
        self.colors = []

    def circle(self, img, center, radius, color, thickness):
        self.colors.append(color)
        return cv2.circle(img, center, radius, color, thickness)

    def fillPoly(self, img, pts, color):
        self.colors.append(color)
        return cv2.fillPoly(img, pts, color)


def run_reference(module, shape_mode, seeds):
    counting, radii, leaves = Counting(), [], []
    module.cv2 = counting
    module.max = lambda a, b: radii.append(max(a, b)) or max(a, b)
    for i in seeds:
        before = len(counting.colors)
        random.seed(i)
        np.random.seed(i)
        module.dead_leaves(RES, 3, shape_mode=shape_mode)
        leaves.append(len(counting.colors) - before)
    module.cv2, module.max = cv2, max
    return {"leaves": leaves, "radii": radii, "colors": counting.colors}


def time_reference(module, shape_mode, seeds):
    module.cv2 = cv2
    del module.max
    start = time.perf_counter()
    for i in seeds:
        random.seed(i)
        np.random.seed(i)
        module.dead_leaves(RES, 3, shape_mode=shape_mode)
    return len(seeds) / (time.perf_counter() - start)


def run_fdsl(model, n, seed):
    out = subprocess.run(["target/release/examples/dead_leaves_stats", model, str(n), str(RES), str(seed)],
                         check=True, capture_output=True, text=True).stdout
    d = json.loads(out)
    d["rate"] = n / d["seconds"]
    return d


def law():
    """P(radius band) under the reference's inverse CDF: bin i wins u between the midpoints."""
    r = np.linspace(0.03, 1, 200)
    cdf = np.cumsum(1.0 / r ** 3 - 1)
    cdf /= cdf.max()
    edges = np.concatenate(([0.0], (cdf[1:] + cdf[:-1]) / 2, [1.0]))
    p = np.diff(edges)
    px = np.maximum((r * RES).astype(int), 1)
    return [float(p[(px >= lo) & (px <= hi)].sum()) for lo, hi in BANDS]


def summary(d):
    leaves, radii, colors = np.array(d["leaves"]), np.array(d["radii"]), np.array(d["colors"], dtype=float)
    bands = [float(((radii >= lo) & (radii <= hi)).mean()) for lo, hi in BANDS]
    hist = [np.histogram(colors[:, c], bins=8, range=(0, 256))[0] / len(colors) for c in range(3)]
    return {"leaves_mean": leaves.mean(), "leaves_sd": leaves.std(ddof=1), "capped": int((leaves >= 5000).sum()),
            "bands": bands, "color_mean": colors.mean(0).tolist(), "color_hist": np.mean(hist, 0).tolist()}


def row(name, ref_a, ref_b, ours, fmt="{:9.4f}"):
    spread = abs(ref_a - ref_b)
    diff = abs(ours - (ref_a + ref_b) / 2)
    print(f"  {name:22s} ref {fmt.format(ref_a)} / {fmt.format(ref_b)}  fdsl {fmt.format(ours)}"
          f"   |fdsl - ref| {fmt.format(diff)}  ref spread {fmt.format(spread)}")


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    mirror = sys.argv[2] if len(sys.argv) > 2 else "/work/.mirror/mbaradad+learning_with_noise/repo"
    subprocess.run(["cargo", "build", "-q", "--release", "-p", "fdsl-core", "--example", "dead_leaves_stats"],
                   check=True)
    module = reference_module(mirror)
    expected = law()
    print(f"OpenCV {cv2.__version__}, NumPy {np.__version__}; {n} images per seed set, {RES} px")
    for model, shape_mode in MODELS.items():
        ref = [summary(run_reference(module, shape_mode, range(k * n, (k + 1) * n))) for k in range(2)]
        ours = [run_fdsl(model, n, seed) for seed in range(2)]
        ref_rate = time_reference(module, shape_mode, range(2 * n, 2 * n + max(n // 4, 5)))
        fd = [summary(o) for o in ours]
        print(f"{model}:")
        for k in range(2):
            print(f"  leaves (mean, sd, capped) ref set {k}: {ref[k]['leaves_mean']:.1f} {ref[k]['leaves_sd']:.1f}"
                  f" {ref[k]['capped']}   fdsl seed {k}: {fd[k]['leaves_mean']:.1f} {fd[k]['leaves_sd']:.1f}"
                  f" {fd[k]['capped']}")
        row("leaves mean", ref[0]["leaves_mean"], ref[1]["leaves_mean"], fd[0]["leaves_mean"], "{:9.1f}")
        row("leaves mean (seed 1)", ref[0]["leaves_mean"], ref[1]["leaves_mean"], fd[1]["leaves_mean"], "{:9.1f}")
        for j, (lo, hi) in enumerate(BANDS):
            row(f"P(r in {lo}..{hi}) law {expected[j]:.4f}", ref[0]["bands"][j], ref[1]["bands"][j], fd[0]["bands"][j])
        for c, name in enumerate("RGB"):
            row(f"colour mean {name}", ref[0]["color_mean"][c], ref[1]["color_mean"][c], fd[0]["color_mean"][c], "{:9.2f}")
        for j in range(8):
            row(f"colour bin {32 * j}..{32 * j + 31}", ref[0]["color_hist"][j], ref[1]["color_hist"][j],
                fd[0]["color_hist"][j])
        print(f"  images/s on one core: reference {ref_rate:.1f}, fdsl {ours[0]['rate']:.1f}"
              f" ({ours[0]['rate'] / ref_rate:.0f}x)")


if __name__ == "__main__":
    main()
