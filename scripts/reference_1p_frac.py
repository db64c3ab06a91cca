#!/usr/bin/env python3
"""Run the 1p-frac reference (`1p-frac_generater/src` of SUPER-TADORY/1p-frac, read from a git
mirror into a temporary folder, never copied here) over a given base fractal, on one core, and
summarise its images for the fidelity table in BENCHMARKS.md.

The reference's own functions run unchanged; three things are injected from outside:
- `set_baseparams` returns the base system of BASE (lines `a b c d e f p`, as the example
  `one_point_frac_stats` prints them after `base`) instead of an unseeded draw; the reference
  recomputes p from |det| itself (`calc_p`);
- the perturbations run in this process one after another (`generate_image` for k = 0..L-1, what
  one Pool worker does with chunksize 1) instead of `Pool()`, so the run is one core;
- `ifs_function.draw_patch` is wrapped to count the attempts (the fill check's rejections);
- `cv2`, imported by `utils.py` but unused, is an empty module.

Prints one line per class `k attempts filling` (filling = the share of lit pixels of the saved
PNG, `count(img > 1) / img.size` as the reference's check), then on stderr the images per CPU second
of the run (chaos game, painting and PNG files included).

usage: reference_1p_frac.py MIRROR BASE OUT [--sample L] [--delta D] [--sigma S]
       (needs numpy, pillow)
"""
import argparse
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import time
import types

import numpy as np
from PIL import Image


def load_reference(mirror, tmp):
    """The reference's modules `ifs_function` and `render_from_oneparam_mp`, read from the git mirror
    into `tmp` and imported (utils.py's unused cv2 import satisfied by an empty module)."""
    for name in ("render_from_oneparam_mp.py", "ifs_function.py", "utils.py"):
        text = subprocess.run(
            ["git", f"--git-dir={mirror}", "show", f"HEAD:1p-frac_generater/src/{name}"],
            check=True, capture_output=True, text=True,
        ).stdout
        open(os.path.join(tmp, name), "w").write(text)
    sys.path.insert(0, tmp)
    cv2 = types.ModuleType("cv2")
    cv2.cvtColor = cv2.COLOR_HSV2RGB = None
    sys.modules.setdefault("cv2", cv2)
    import ifs_function  # noqa: E402
    import render_from_oneparam_mp as rfm  # noqa: E402
    return ifs_function, rfm


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mirror", help="git directory of a SUPER-TADORY/1p-frac mirror")
    ap.add_argument("base", help="file of `a b c d e f p` lines")
    ap.add_argument("out", help="folder for the reference's PNG files (emptied)")
    ap.add_argument("--sample", type=int, default=1000)
    ap.add_argument("--delta", type=float, default=0.1)
    ap.add_argument("--sigma", type=float, default=3.5)
    a = ap.parse_args()
    rows = [[float(v) for v in l.split()] for l in open(a.base) if l.strip()]
    params = np.array([[[r[0], r[1], r[4]], [r[2], r[3], r[5]]] for r in rows])
    with tempfile.TemporaryDirectory() as tmp:
        ifs_function, rfm = load_reference(a.mirror, tmp)

        attempts = {}
        draw_patch = ifs_function.ifs_function.draw_patch

        def counted(self, *args, **kw):
            attempts[self.fractal_name] = attempts.get(self.fractal_name, 0) + 1
            return draw_patch(self, *args, **kw)

        ifs_function.ifs_function.draw_patch = counted
        args = argparse.Namespace(
            img_basesavedir=a.out, mask_mode="random", sample=a.sample, image_size_x=512, image_size_y=512,
            pad_size_x=6, pad_size_y=6, iteration=100000, draw_type="patch_gray", pixel_threshold=0.05,
            N=len(rows), sigma=a.sigma, delta=a.delta,
        )
        shutil.rmtree(a.out, ignore_errors=True)
        os.makedirs(a.out)
        devnull = open(os.devnull, "w")
        stdout, sys.stdout = sys.stdout, devnull
        start, cpu = time.perf_counter(), time.process_time()
        for k in range(a.sample):
            rfm.generate_image(a.out, "base", params, args, k)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        sys.stdout = stdout
    for k in range(a.sample):
        name = "%02d" % k
        (png,) = glob.glob(os.path.join(a.out, name, "*.png"))
        img = np.array(Image.open(png))
        print(k, attempts[name], np.sum(img > 1) / img.size)
    print(f"{a.sample / cpu:.4f} images per CPU second ({cpu:.1f} s CPU, {seconds:.1f} s wall; one process, PNG files)",
          file=sys.stderr)


if __name__ == "__main__":
    main()
