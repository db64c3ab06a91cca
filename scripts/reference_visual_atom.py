#!/usr/bin/env python3
"""Run the VisualAtom reference (`visual_atomic_renderer/render_VisualAtom.py` of
masora1030/CVPR2023-FDSL-on-VisualAtom) with the values of its `make_VisualAtom.sh`, one process,
and summarise its images for `tests/fidelity.rs`.

The reference script is run unchanged but for three injected lines, found by their text:
- `random.seed(args.thread_num + 1)` seeds with --seed instead (default 1, the script's thread 0);
- after a category's draws (`oval_rate_y = ...`), its nine values are written to
  OUT/param/{cat:05d}.csv in fdsl's VisualAtom format (`fdsl render --categories-from` reads them);
- with --params DIR, those values are replaced by DIR's files (the same categories, other
  instances: the reference's own run-to-run spread).

Prints one line per category: its nine values (vertex_number line_draw_num perlin_noise_coefficient
line_width start_rad nami1 nami2 oval_rate_x oval_rate_y) and the mean share of its images' non-zero
pixels; then, on stderr, the images per second of the run (PNG writing included).

usage: reference_visual_atom.py MIRROR OUT [--classes C] [--instances I] [--seed S] [--params DIR]
       > tests/data/reference_visualatom_512.txt            (needs noise, pillow, numpy)
"""
import argparse
import glob
import os
import subprocess
import sys
import time

import numpy as np
from PIL import Image

KEYS = [
    "vertex_number",
    "line_draw_num",
    "perlin_noise_coefficient",
    "line_width",
    "start_rad",
    "nami1",
    "nami2",
    "oval_rate_x",
    "oval_rate_y",
]  # also the script's variable names

# make_VisualAtom.sh's arguments, which differ from the script's argparse defaults.
SCRIPT_ARGS = (
    "--vertex_num_min=200 --vertex_num_max=1000 --perlin_min=0 --line_num_min=1 --line_num_max=200 "
    "--line_width=0.1 --radius_min=10 --oval_rate=2 --start_pos=512 "
    "--nami_1_min=0 --nami_2_min=0 --nami_1_max=20 --nami_2_max=20"
).split()

SEED_LINE = "random.seed(args.thread_num + 1)"
CATEGORY_LINE = "    oval_rate_y = random.uniform(1, args.oval_rate)\n"


def injected(source, seed, params):
    if source.count(SEED_LINE) != 1 or source.count(CATEGORY_LINE) != 1:
        sys.exit("the reference script changed: its seed or oval_rate_y line is not found once")
    source = source.replace(SEED_LINE, f"random.seed({seed})")
    lines = [CATEGORY_LINE]
    if params:
        lines.append(f"    _p = dict(l.strip().split(',') for l in open(os.path.join({params!r}, '%05d.csv' % cat)))\n")
        for key in KEYS:
            cast = "int" if key in ("vertex_number", "line_draw_num", "start_rad", "nami1", "nami2") else "float"
            lines.append(f"    {key} = {cast}(float(_p[{key!r}]))\n")
    lines.append("    os.makedirs(os.path.join(args.save_root, '..', 'param'), exist_ok=True)\n")
    lines.append(
        "    open(os.path.join(args.save_root, '..', 'param', '%05d.csv' % cat), 'w').write(''.join("
        f"'%s,%r\\n' % (k, v) for k, v in zip({KEYS!r}, [{', '.join(KEYS)}])))\n"
    )
    return source.replace(CATEGORY_LINE, "".join(lines))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mirror")
    ap.add_argument("out")
    ap.add_argument("--classes", type=int, default=100)
    ap.add_argument("--instances", type=int, default=4)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--params")
    a = ap.parse_args()
    script = os.path.join(a.mirror, "visual_atomic_renderer", "render_VisualAtom.py")
    source = injected(open(script).read(), a.seed, a.params and os.path.abspath(a.params))
    os.makedirs(a.out, exist_ok=True)
    run = os.path.join(a.out, "render_VisualAtom_injected.py")
    open(run, "w").write(source)
    images = os.path.join(a.out, "image")
    argv = [sys.executable, run, f"--save_root={images}", "--numof_thread=1", "--thread_num=0",
            f"--numof_classes={a.classes}", f"--numof_instances={a.instances}", "--start_class=0", *SCRIPT_ARGS]
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env={**os.environ, "OMP_NUM_THREADS": "1"})
    seconds = time.perf_counter() - start
    for cat in range(a.classes):
        p = dict(l.strip().split(",") for l in open(os.path.join(a.out, "param", f"{cat:05d}.csv")))
        files = sorted(glob.glob(os.path.join(images, f"{cat:05d}", "*.png")))
        fill = [float(np.count_nonzero(np.asarray(Image.open(f).convert("L"))) / 512 ** 2) for f in files]
        print(*(p[k] for k in KEYS), f"{np.mean(fill):.6f}")
    n = a.classes * a.instances
    print(f"{n} images in {seconds:.1f} s: {n / seconds:.3f} images/s on one core", file=sys.stderr)


if __name__ == "__main__":
    main()
