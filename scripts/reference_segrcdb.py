#!/usr/bin/env python3
"""Run the SegRCDB reference (`SegRCDB_render.py` of dahlian00/SegRCDB, read from a git mirror into
a temporary folder, never copied here) over given category files, one process, and compare.

Three commands:

  run MIRROR PARAMS OUT [--images N] [--mode M1|M2|M3] [--seed S]
      The reference renders images 0..N-1 of PARAMS's categories (`%05d.csv`, the reference's
      format; `examples/segrcdb_stats.rs` writes fdsl's) into OUT/image and OUT/mask, unchanged
      but for its `random.seed(thread_num + 1)`, which seeds with S (default 1, the script's
      process 0). One process (`--numof_thread 1`). Prints on stderr the images per second,
      PNG files included.

  stats DIR [DIR...]
      Per folder (OUT of `run`, or of the fdsl example): images, mask fill (share of labelled
      pixels), labels per image, mask pixels per label present, image line pixels, the share of
      the mask's pixels per class (1..254), and between the folders the total-variation distance of
      those class shares.

  replay MIRROR OUT_FILE
      The reference with 4 made-up categories (small ones: a triangle, a one-contour instance for
      M2's quirk, large noise for self-crossing contours) renders one 512-px image of 8 instances
      (seed 1) in each mask mode; its `random.randint` and `random.uniform` are wrapped to record
      every draw (the same draws in every mode). Writes OUT_FILE (fdsl-core/tests/data/
      segrcdb_replay.txt): `category V K lambda lw r0 ox oy` lines, `draws` (`i:v:n` for
      `randint(a, b)` = a + v with n = b - a + 1, `d:k` for `uniform(a, b)` = a + (b - a) k / 2^53),
      and the sha256 of the image and of each mode's mask (8-bit, `convert("L")` as the script
      saves them). Needs the Pillow the reference pins (9.0.0) for M2 and M3.

(needs numpy, pillow, noise)
"""
import argparse
import glob
import hashlib
import os
import random
import runpy
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
from PIL import Image


def reference_script(mirror, tmp):
    text = subprocess.run(
        ["git", f"--git-dir={mirror}", "show", "HEAD:SegRCDB_render.py"], check=True, capture_output=True, text=True
    ).stdout
    path = os.path.join(tmp, "SegRCDB_render.py")
    open(path, "w").write(text)
    return path


def run_reference(script, out, classes, images, mode, seed, instances=32):
    seed_fn = random.seed
    random.seed = lambda _: seed_fn(seed)
    argv = sys.argv
    sys.argv = [script, f"--save_root={out}", "--numof_thread=1", "--thread_num=0", f"--numof_classes={classes}",
                f"--numof_images={images}", f"--instance_num={instances}", "--start_pos=512", f"--mode={mode}"]
    try:
        runpy.run_path(script, run_name="__main__")
    finally:
        sys.argv = argv
        random.seed = seed_fn


def cmd_run(a):
    os.makedirs(a.out, exist_ok=True)
    for sub in ("image", "mask", "param"):
        shutil.rmtree(os.path.join(a.out, sub), ignore_errors=True)
    shutil.copytree(a.params, os.path.join(a.out, "param"))
    classes = len(glob.glob(os.path.join(a.params, "*.csv")))
    with tempfile.TemporaryDirectory() as tmp:
        script = reference_script(a.mirror, tmp)
        start = time.perf_counter()
        run_reference(script, a.out, classes, a.images, a.mode, a.seed)
        seconds = time.perf_counter() - start
    print(f"{a.images / seconds:.3f} images/s ({seconds:.1f} s, one process, PNG files)", file=sys.stderr)


def folder_stats(d):
    masks = sorted(glob.glob(os.path.join(d, "mask", "*.png")))
    fill, labels, per_label, lines = [], [], [], []
    hist = np.zeros(256)
    for m in masks:
        mask = np.array(Image.open(m).convert("L"))
        image = np.array(Image.open(m.replace(os.sep + "mask" + os.sep, os.sep + "image" + os.sep)).convert("L"))
        counts = np.bincount(mask.ravel(), minlength=256)
        hist += counts
        present = np.count_nonzero(counts[1:])
        fill.append(1 - counts[0] / mask.size)
        labels.append(present)
        per_label.append(counts[1:].sum() / max(present, 1))
        lines.append(np.count_nonzero(image) / image.size)
    share = hist[1:255] / hist[1:255].sum()
    return dict(images=len(masks), fill=np.array(fill), labels=np.array(labels), per_label=np.array(per_label),
                lines=np.array(lines), share=share)


def cmd_stats(a):
    stats = [folder_stats(d) for d in a.dirs]
    for d, s in zip(a.dirs, stats):
        q = lambda v: f"{v.mean():.4f} (sd {v.std():.4f}, q10 {np.quantile(v, 0.1):.4f}, q90 {np.quantile(v, 0.9):.4f})"
        print(f"{d}: {s['images']} images")
        print(f"  mask fill            {q(s['fill'])}")
        print(f"  labels per image     {q(s['labels'])}")
        print(f"  pixels per label     {q(s['per_label'])}")
        print(f"  image line pixels    {q(s['lines'])}")
    for i in range(len(stats)):
        for j in range(i + 1, len(stats)):
            tv = 0.5 * np.abs(stats[i]["share"] - stats[j]["share"]).sum()
            print(f"class-share total variation {a.dirs[i]} vs {a.dirs[j]}: {tv:.4f}")


REPLAY_CATEGORIES = [
    # V, K, lambda, lw, r0, ox, oy
    (30, 8, 3.0, 0.05, 40, 1.5, 1.2),
    (7, 5, 1.0, 0.02, 10, 1.1, 1.9),
    (25, 1, 2.0, 0.08, 30, 1.3, 1.3),
    (3, 6, 3.9, 0.09, 50, 2.0, 1.0),
]


def cmd_replay(a):
    lines = ["# made by scripts/reference_segrcdb.py replay from dahlian00/SegRCDB's own SegRCDB_render.py"]
    draws = {}
    hashes = {}
    with tempfile.TemporaryDirectory() as tmp:
        script = reference_script(a.mirror, tmp)
        os.makedirs(os.path.join(tmp, "param"))
        for c, (v, k, lam, lw, r0, ox, oy) in enumerate(REPLAY_CATEGORIES, 1):
            rows = [("Category_num", c), ("Vertex", v), ("Perlin_noise", lam), ("line_width", lw),
                    ("Center_rad", r0), ("Line_num", k), ("Oval_rate_x", ox), ("Oval_rate_y", oy), ("Color_Gray", c)]
            with open(os.path.join(tmp, "param", "%05d.csv" % c), "w") as f:
                f.write("".join(f"{key},{val!r}\r\n" for key, val in rows))
        randint, uniform = random.randint, random.uniform
        for mode in ("M1", "M2", "M3"):
            record = []

            def rec_randint(lo, hi):
                v = randint(lo, hi)
                record.append(f"i:{v - lo}:{hi - lo + 1}")
                return v

            def rec_uniform(lo, hi):
                r = random.random()
                record.append(f"d:{int(r * 2.0**53)}")
                return lo + (hi - lo) * r

            random.randint, random.uniform = rec_randint, rec_uniform
            try:
                run_reference(script, tmp, len(REPLAY_CATEGORIES), 1, mode, 1, instances=8)
            finally:
                random.randint, random.uniform = randint, uniform
            draws[mode] = record
            image = Image.open(os.path.join(tmp, "image", "000000.png")).convert("L")
            mask = Image.open(os.path.join(tmp, "mask", "000000.png")).convert("L")
            hashes[mode] = (hashlib.sha256(image.tobytes()).hexdigest(), hashlib.sha256(mask.tobytes()).hexdigest())
    assert draws["M1"] == draws["M2"] == draws["M3"], "the draws depend on the mode"
    assert hashes["M1"][0] == hashes["M2"][0] == hashes["M3"][0], "the image depends on the mode"
    import PIL
    lines.append(f"# Pillow {PIL.__version__}")
    for cat in REPLAY_CATEGORIES:
        lines.append("category " + " ".join(repr(x) for x in cat))
    lines.append("draws " + " ".join(draws["M1"]))
    lines.append(f"image_sha256 {hashes['M1'][0]}")
    for mode in ("M1", "M2", "M3"):
        lines.append(f"mask_sha256 {mode} {hashes[mode][1]}")
    open(a.out_file, "w").write("\n".join(lines) + "\n")


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("mirror")
    r.add_argument("params")
    r.add_argument("out")
    r.add_argument("--images", type=int, default=100)
    r.add_argument("--mode", default="M1", choices=["M1", "M2", "M3"])
    r.add_argument("--seed", type=int, default=1)
    s = sub.add_parser("stats")
    s.add_argument("dirs", nargs="+")
    p = sub.add_parser("replay")
    p.add_argument("mirror")
    p.add_argument("out_file")
    a = ap.parse_args()
    {"run": cmd_run, "stats": cmd_stats, "replay": cmd_replay}[a.cmd](a)


if __name__ == "__main__":
    main()
