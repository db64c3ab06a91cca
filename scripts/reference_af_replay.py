#!/usr/bin/env python3
"""Replays of Anderson & Farrell's own code (catalys1/fractal-pretraining, read from a git mirror
into a temporary folder) with known random numbers, for fdsl-core's bit-exact tests: the same
draws fed to fdsl must give the same bytes.

Writes fdsl-core/tests/data/af_replay.txt, `key values...` per line:
- the background: `colorized_ds`'s steps at 32 px (a 33 x 33 diamond-square grid) with numba's
  generator seeded: `ds_draws` the 53-bit integers k of the doubles k / 2^53 it drew (the decay's
  first, then the grid's, then `_colorize`'s six), `ds_rgb_sha256` of the RGB result after
  cv2.cvtColor(HSV2RGB);
- the fractal: one system (`sample_system((2, 5), bval=1)`, `map a b c d e f` rows), rendered by
  `IFSGenerator(size=64, niter=3000).render` (window, patch, graded) and coloured by `ifs.colorize`:
  `chain` the chaos game's draws as 32-bit integers (the top 32 bits of each double; checked to
  pick the same maps), `window` the generator's four doubles (translate x, y, scale x, y), `mask`
  the patch's 9 bits (bit k = entry k), `colour` `_hsv_colorize`'s three doubles, and
  `fractal_rgb_sha256` of the coloured image.

Usage: python3 scripts/reference_af_replay.py [--mirror DIR]  (numpy, numba, opencv-python-headless)
"""
import argparse
import hashlib
import pathlib
import sys
import tempfile

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from reference_af import load_reference  # noqa: E402

import numba  # noqa: E402
import cv2  # noqa: E402


@numba.njit
def numba_seed(s):
    np.random.seed(s)


@numba.njit
def numba_draws(n):
    out = np.empty(n)
    for i in range(n):
        out[i] = np.random.rand()
    return out


def k53(d):
    return [int(x * 2.0**53) for x in d]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mirror", default="/work/.mirror/catalys1+fractal-pretraining/repo")
    a = ap.parse_args()
    lines = ["# made by scripts/reference_af_replay.py from catalys1/fractal-pretraining's own code"]
    with tempfile.TemporaryDirectory() as tmp:
        ifs, generator = load_reference(a.mirror, tmp)
        from fractal_learning.fractals import diamondsquare

        # Background: the decay (colorized_ds draws it from numpy; here from the same numba stream's
        # first double, U(0.4, 0.8) = 0.4 + 0.4 u), the grid, the colours.
        numba_seed(7)
        decay = 0.4 + 0.4 * numba_draws(1)[0]
        grid = diamondsquare.diamond_square(5, decay, fixed_corners=False)[:32, :32]
        rgb = cv2.cvtColor(diamondsquare._colorize(grid), cv2.COLOR_HSV2RGB)
        used = 1 + 33 * 33 + 6
        numba_seed(7)
        draws = numba_draws(used + 1)
        numba_seed(7)
        numba_draws(1)
        diamondsquare.diamond_square(5, decay, fixed_corners=False)
        diamondsquare._colorize(grid)
        assert numba_draws(1)[0] == draws[used], "draw count"
        lines.append("ds_draws " + " ".join(map(str, k53(draws[:used]))))
        lines.append("ds_rgb_sha256 " + hashlib.sha256(rgb.tobytes()).hexdigest())

        system = ifs.sample_system((2, 5), bval=1, rng=np.random.default_rng(3))
        dets = np.abs(system[:, 0, 0] * system[:, 1, 1] - system[:, 0, 1] * system[:, 1, 0])
        cum = np.cumsum(dets / dets.sum())
        gen = generator.IFSGenerator(size=64, niter=3000)
        numba_seed(11)
        np.random.seed(9)
        gen.rng = np.random.default_rng(5)
        graded = gen.render(system)
        numba_seed(13)
        rgb = ifs.colorize(graded)
        numba_seed(11)
        chain = numba_draws(3000)
        u32 = (chain * 2.0**32).astype(np.uint64)
        ref_pick = [next((k for k in range(len(cum)) if d < cum[k]), len(cum) - 1) for d in chain]
        our_pick = [int(sum(u / 2.0**32 > c for c in cum[:-1])) for u in u32]
        assert ref_pick == our_pick, "a chain draw straddles a cumulative probability: pick another seed"
        np.random.seed(9)
        mask = np.random.randint(0, 2, (9,), dtype=bool)
        numba_seed(13)
        colour = numba_draws(3)
        for m in system:
            a_, b_, e_, c_, d_, f_ = m.ravel()
            lines.append("map " + " ".join(repr(float(x)) for x in (a_, b_, c_, d_, e_, f_)))
        lines.append("chain " + " ".join(map(str, u32.tolist())))
        lines.append("window " + " ".join(map(str, k53(np.random.default_rng(5).random(4)))))
        lines.append(f"mask {sum(int(b) << k for k, b in enumerate(mask))}")
        lines.append("colour " + " ".join(map(str, k53(colour))))
        lines.append("fractal_rgb_sha256 " + hashlib.sha256(np.ascontiguousarray(rgb).tobytes()).hexdigest())
    path = pathlib.Path(__file__).resolve().parent.parent / "fdsl-core/tests/data/af_replay.txt"
    path.write_text("\n".join(lines) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
