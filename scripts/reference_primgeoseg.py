#!/usr/bin/env python3
"""Run PrimGeoSeg's reference generator (`SUPER-TADORY/PrimGeoSeg`, `data_generation/mk_data.py`,
config001) seeded, for fdsl's exactness test and fidelity table.

usage:
  reference_primgeoseg.py REPO golden [OUT]   seeds 0-2 (`random.seed(s); make_data()`), config001
      and config001 with rotations (`no_rotate: false`): sha256 of the image and label as
      Fortran-order little-endian float64 (the spec's checksums) and as the u8 bytes fdsl renders (C order),
      their counts, and `math.cos`/`math.sin` at whole degrees 0-360 (the bits
      fdsl's libm must match); default OUT fdsl-core/tests/data/primgeoseg_reference.txt
  reference_primgeoseg.py REPO stats FIRST COUNT   volumes `random.seed(FIRST + i)`, i < COUNT: one
      JSON line of statistics per volume (see `volume_stats`) on stdout, then the CPU seconds per
      volume on stderr
  reference_primgeoseg.py - fdsl COUNT            the same statistics of COUNT volumes read from stdin
      as fdsl's `primgeoseg_volumes` example writes them (per volume: a line `placed attempts`, then
      side^3 image bytes and side^3 label bytes)

REPO is a checkout of the reference (its `data_generation/` is imported, not copied). Needs numpy
1.24, opencv-python-headless 4.9.0.80, nibabel, PyYAML (the reference's pins).
"""
import hashlib
import json
import math
import os
import struct
import sys
import time

import numpy as np


def load_reference(repo):
    """Import `mk_data` with config001 as its command line would give it."""
    gen = os.path.join(repo, "data_generation")
    sys.path.insert(0, gen)
    sys.argv = ["mk_data.py", "--yaml_path", os.path.join(gen, "config", "config001.yaml"), "--base_save_dir", "/tmp"]
    import contextlib

    with contextlib.redirect_stdout(sys.stderr):  # it prints its class table
        import mk_data  # noqa: E402  (parses the arguments above at import)

    return mk_data


class Counting:
    """Counts the reference's placement attempts (`random_rotate` runs once per attempt) and placed
    primitives (`setting_structure` once per placed one)."""

    def __init__(self, mk):
        self.attempts = 0
        self.placed = 0
        rotate, structure = mk.random_rotate, mk.setting_structure

        def counted_rotate(*a):
            self.attempts += 1
            return rotate(*a)

        def counted_structure(*a):
            self.placed += 1
            return structure(*a)

        mk.random_rotate, mk.setting_structure = counted_rotate, counted_structure

    def take(self):
        """The counts since the last call; `setting_structure` also rotates once per placed one."""
        out = (self.placed, self.attempts - self.placed)
        self.attempts = self.placed = 0
        return out


def volume_stats(img, lab, placed, attempts):
    """The spec's statistics of one volume (img 0/128, lab class ids)."""
    fg = lab > 0
    on = img > 0
    counts = np.bincount(lab.astype(np.int64).ravel(), minlength=33)
    return {
        "placed": int(placed),
        "attempts": int(attempts),
        "fg": float(fg.mean()),
        "outline": float(on.mean()),
        "outline_in_fg": float((on & fg).sum() / max(on.sum(), 1)),
        "classes": int((counts[1:] > 0).sum()),
        "class_voxels": [int(c) for c in counts[1:]],
    }


def golden(repo, out):
    import random

    mk = load_reference(repo)
    rows = []
    f64 = lambda a: hashlib.sha256(np.asarray(a, dtype="<f8").tobytes(order="F")).hexdigest()
    u8 = lambda a: hashlib.sha256(np.asarray(a, dtype=np.uint8).tobytes()).hexdigest()
    for s in range(3):
        random.seed(s)
        img, lab = mk.make_data()
        rows.append(f"volume {s} {int((img > 0).sum())} {int((lab > 0).sum())} {f64(img)} {f64(lab)} {u8(img)} {u8(lab)}")
    # config001 with `no_rotate: false`: what mk_data.py sets ROTATE_L to then.
    mk.ROTATE_L = ["stay", "side1", "side2", "side3", "side4", "upsidedown"]
    for s in range(3):
        random.seed(s)
        img, lab = mk.make_data()
        rows.append(f"rotated {s} {int((img > 0).sum())} {int((lab > 0).sum())} {f64(img)} {f64(lab)} {u8(img)} {u8(lab)}")
    for d in range(361):
        t = math.radians(d)
        c, s_ = struct.unpack("<Q", struct.pack("<d", math.cos(t)))[0], struct.unpack("<Q", struct.pack("<d", math.sin(t)))[0]
        rows.append(f"trig {d} {c:016x} {s_:016x}")
    with open(out, "w") as f:
        f.write("\n".join(rows) + "\n")


def stats(repo, first, count):
    import random

    mk = load_reference(repo)
    counter = Counting(mk)
    cpu = 0.0
    for i in range(count):
        random.seed(first + i)
        t = time.process_time()
        img, lab = mk.make_data()
        cpu += time.process_time() - t
        placed, attempts = counter.take()
        print(json.dumps(volume_stats(img, lab, placed, attempts)), flush=True)
    print(f"reference make_data: {cpu / count:.3f} s CPU per volume over {count}", file=sys.stderr)


def fdsl(count, side=96):
    n = side**3
    src = sys.stdin.buffer
    for _ in range(count):
        placed, attempts = map(int, src.readline().split())
        img = np.frombuffer(src.read(n), dtype=np.uint8)
        lab = np.frombuffer(src.read(n), dtype=np.uint8)
        print(json.dumps(volume_stats(img, lab, placed, attempts)), flush=True)


def main():
    repo, mode = sys.argv[1], sys.argv[2]
    if mode == "golden":
        golden(repo, sys.argv[3] if len(sys.argv) > 3 else "fdsl-core/tests/data/primgeoseg_reference.txt")
    elif mode == "stats":
        stats(repo, int(sys.argv[3]), int(sys.argv[4]))
    elif mode == "fdsl":
        fdsl(int(sys.argv[3]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
