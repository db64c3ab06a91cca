#!/usr/bin/env python3
"""Summarise PrimGeoSeg statistics (`reference_primgeoseg.py` JSON lines, one per volume) into the
fidelity table of BENCHMARKS.md and the reference band `fdsl-core/tests/data/primgeoseg_fidelity.txt`.

usage: summarise_primgeoseg.py --reference F... --replay F... --fdsl F... [--fixed F...]
Each file is a batch of volumes (e.g. 100): `--reference` the reference's own `mk_data.make_data`
runs, `--replay` fdsl's CPython mode (the reference's very volumes, at fdsl's speed, so many more of
them), `--fdsl` fdsl's default streams, `--fixed` fdsl with the volume bug fixed. The table gives,
per statistic, the pooled mean and sd of the reference and replay volumes, and the range of batch
means of each group (the run-to-run spread); the band file holds `name mean sd volumes` of the
pooled reference and replay volumes, for the test
`fdsl-core/tests/primgeoseg.rs::default_mode_statistics_match_the_reference`.
"""
import json

import numpy as np

PROFILES = ["prism", "hourglass", "pyramid", "rhombus"]


def per_volume(v):
    cv = np.array(v["class_voxels"], dtype=float)
    fg = cv.sum()
    row = {
        "placed": v["placed"],
        "failure_rate": 1 - v["placed"] / 20,
        "attempts": v["attempts"],
        "fg_fraction": v["fg"],
        "outline_fraction": v["outline"],
        "outline_in_fg": v["outline_in_fg"],
        "classes": v["classes"],
        "ellipse_share": cv[:4].sum() / fg,
    }
    for k, name in enumerate(PROFILES):
        row[f"{name}_share"] = cv[k::4].sum() / fg
    for i in range(4):
        row[f"id{i + 1}_voxels"] = cv[i]
    return row


def load(path):
    with open(path) as f:
        return [per_volume(json.loads(line)) for line in f if line.strip()]


def main():
    import argparse

    ap = argparse.ArgumentParser()
    for g in ("reference", "replay", "fdsl", "fixed"):
        ap.add_argument(f"--{g}", nargs="*", default=[])
    args = ap.parse_args()
    groups = {g: [load(p) for p in getattr(args, g)] for g in ("reference", "replay", "fdsl", "fixed")}
    groups = {g: b for g, b in groups.items() if b}
    names = list(groups["reference"][0][0].keys())
    pooled = {n: np.array([v[n] for g in ("reference", "replay") for b in groups.get(g, []) for v in b]) for n in names}
    bmean = lambda bs, n: [np.mean([v[n] for v in b]) for b in bs]
    fmt = lambda x: f"{x:.4g}"
    head = "| statistic | reference + replay mean (sd) |" + "".join(f" {g} batch means |" for g in groups)
    print(head)
    print("|---|---|" + "---|" * len(groups))
    rows = []
    for n in names:
        line = f"| {n} | {fmt(pooled[n].mean())} ({fmt(pooled[n].std())}) |"
        for g, bs in groups.items():
            m = bmean(bs, n)
            line += f" {fmt(min(m))} – {fmt(max(m))} |" if len(m) > 1 else f" {fmt(m[0])} |"
        print(line)
        rows.append(f"{n} {pooled[n].mean():.6g} {pooled[n].std():.6g} {len(pooled[n])}")
    print("\n" + ", ".join(f"{g}: {len(bs)} batches of {[len(b) for b in bs][0]}" for g, bs in groups.items()))
    with open("fdsl-core/tests/data/primgeoseg_fidelity.txt", "w") as f:
        f.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
