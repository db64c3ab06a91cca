#!/usr/bin/env python3
"""Summarise 1p-frac runs: files of `class attempts filling` lines (what `reference_1p_frac.py`
and the example `one_point_frac_stats` print; other lines are skipped). Per file: classes, fill
rate mean / sd / 10 % / 50 % / 90 % quantiles, attempts per class and the share of rejected
perturbations; between the first file and each other, the two-sample Kolmogorov-Smirnov distance
of the fill rates.

usage: summarise_1p_frac.py FILE [FILE...]   (needs numpy)
"""
import sys

import numpy as np


def read(path):
    rows = []
    for line in open(path):
        f = line.split()
        if len(f) == 3 and f[0].isdigit():
            rows.append((int(f[1]), float(f[2])))
    return np.array([r[0] for r in rows]), np.array([r[1] for r in rows])


def ks(a, b):
    xs = np.sort(np.concatenate([a, b]))
    return np.max(np.abs(np.searchsorted(np.sort(a), xs, side="right") / len(a)
                         - np.searchsorted(np.sort(b), xs, side="right") / len(b)))


runs = [(p, *read(p)) for p in sys.argv[1:]]
for path, attempts, fill in runs:
    q = np.quantile(fill, [0.1, 0.5, 0.9])
    print(f"{path}: {len(fill)} classes, fill mean {fill.mean():.4f} sd {fill.std():.4f} "
          f"q10 {q[0]:.4f} q50 {q[1]:.4f} q90 {q[2]:.4f}, attempts/class {attempts.mean():.2f}, "
          f"rejected {1 - len(attempts) / attempts.sum():.3f}")
for path, _, fill in runs[1:]:
    print(f"KS distance {runs[0][0]} vs {path}: {ks(runs[0][2], fill):.3f}")
