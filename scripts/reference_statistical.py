#!/usr/bin/env python3
"""Baradad's statistical models: the Python port's own images against fdsl's, statistic by statistic.

Runs mbaradad/learning_with_noise `generate_datasets/statistical/generate_datasets.py`'s
`generate_example_seed(n, GenerationParams(...))` (its source taken from the mirror with git, written
to a temporary module with only the imports it uses: numpy, random, pyrtools) on images n = 0..N-1
and N..2N-1 at 128 px, for the four datasets (`--impose_spectrum`, `--impose_wmm`,
`--impose_color_model` as the README's commands, `correlate_channels` on), and fdsl's
`statistical_stats` example (release build) on images 0..N-1 of seeds 0 and 1; prints per model and
per set:
- the radially averaged power spectrum of the luminance (mean of R, G, B): its log-log slope fitted
  over radii 2..56 (mean, sd, 10/50/90 % quantiles over images), and the median ratio of power on
  the axes to power on the diagonals (radii 4..48);
- the steerable pyramid of the luminance (pyrtools, height 3): mean over images of each level's
  standard deviation (highpass, levels 0..2 averaged over the 4 orientations, lowpass) and the
  kurtosis of level 0;
- per channel: mean and standard deviation of the pixels (averaged over images), the sd over images
  of the channel means, and the mean inter-channel correlations (RG, RB, GB);
- the CPU seconds per image (one thread; `time.process_time()` for the port, the example process's
  user + system time for fdsl; the machine is shared, so both are CPU, not wall, figures; no image
  files for either).
The port's two index sets give its own run-to-run spread next to each fdsl figure. After each table:
the channel means pooled over both sets a side, their z-scores (fdsl against the port, by the
standard error of the difference of the two pooled means), and blue minus red.
With JPEG=1 in the environment every image of both sides first goes through
`cv2.imencode('.jpg', BGR, [IMWRITE_JPEG_QUALITY, 95])` and `cv2.imdecode`, as Baradad's
`cv2_imwrite` publishes them (fdsl's own JPEG files are these bytes: fdsl-dataset/tests/jpeg.rs).
MODELS=spectrum,wmm limits the models; STATS_BIN=PATH runs that build of the example instead of building it.
usage: reference_statistical.py [N] [MIRROR_GIT_DIR]   (run from the repo root; needs numpy, scipy,
       pyrtools; opencv-python-headless for JPEG=1)
"""
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np
import pyrtools as pt

RES = 128
MODELS = {  # name: (impose_color_model, impose_spectrum, impose_wmm)
    "spectrum": (False, True, False),
    "wmm": (False, False, True),
    "spectrum_color": (True, True, False),
    "spectrum_color_wmm": (True, True, True),
}


def reference_module(mirror):
    """The port's functions, imported from a temporary module."""
    text = subprocess.run(
        ["git", "--git-dir", mirror, "show", "HEAD:generate_datasets/statistical/generate_datasets.py"],
        check=True, capture_output=True, text=True).stdout
    start = text.index("def get_steerable_pyramid(")
    end = text.index("\ndef generate_single_example(")
    folder = tempfile.mkdtemp()
    with open(os.path.join(folder, "reference_statistical_fn.py"), "w") as f:
        f.write("import random\nimport numpy as np\nimport pyrtools as pt\n\n" + text[start:end])
    sys.path.insert(0, folder)
    import reference_statistical_fn
    return reference_statistical_fn


def run_reference(module, flags, indices):
    """The port's images of `indices` and its CPU seconds per image; kept in PORT_CACHE (a folder) when
    that is set, so that a second run (JPEG=1) reuses them."""
    cache = os.environ.get("PORT_CACHE")
    path = cache and os.path.join(cache, f"{'-'.join(map(str, flags))}-{indices[0]}-{len(indices)}.npz")
    if path and os.path.exists(path):
        saved = np.load(path)
        return saved["images"], float(saved["seconds"])
    images, seconds = generate_reference(module, flags, indices)
    if path:
        os.makedirs(cache, exist_ok=True)
        np.savez(path, images=images, seconds=seconds)
    return images, seconds


def generate_reference(module, flags, indices):
    color, spectrum, wmm = flags
    images, start = [], time.process_time()
    for n in indices:
        params = module.GenerationParams(resolution=RES, impose_color_model=color, correlate_channels=True,
                                         impose_spectrum=spectrum, impose_wmm=wmm)
        images.append(module.generate_example_seed(n, params).transpose(1, 2, 0))
    return np.stack(images), (time.process_time() - start) / len(indices)


def stats_binary():
    """STATS_BIN, else the `statistical_stats` example's release build (in CARGO_TARGET_DIR if set)."""
    return os.environ.get("STATS_BIN") or f"{os.environ.get('CARGO_TARGET_DIR', 'target')}/release/examples/statistical_stats"


def run_fdsl(model, n, seed):
    """fdsl's images and CPU seconds per image (the child's user + system time: rendering, plus one
    raw write of all the images)."""
    out = os.path.join(tempfile.mkdtemp(), "images.raw")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([stats_binary(), model, "0", str(n), str(RES), str(seed), out],
                   check=True, capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    images = np.fromfile(out, dtype=np.uint8).reshape(n, RES, RES, 3)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return images, cpu / n


def jpeg_round_trip(images):
    """Each RGB image as Baradad's scripts write it (cv2, quality 95, 4:2:0) and cv2 reads it back."""
    import cv2
    out = []
    for img in images:
        ok, buf = cv2.imencode(".jpg", np.ascontiguousarray(img[:, :, ::-1]), [cv2.IMWRITE_JPEG_QUALITY, 95])
        assert ok
        out.append(cv2.imdecode(buf, cv2.IMREAD_COLOR)[:, :, ::-1])
    return np.stack(out)


def channel_z(sets):
    """Channel means pooled over the port's two sets and fdsl's two, the z of their difference, B - R."""
    port = np.concatenate([sets["port 0..N"]["_means"], sets["port N..2N"]["_means"]])
    ours = np.concatenate([sets["fdsl seed 0"]["_means"], sets["fdsl seed 1"]["_means"]])
    se = np.sqrt(port.var(0, ddof=1) / len(port) + ours.var(0, ddof=1) / len(ours))
    z = (ours.mean(0) - port.mean(0)) / se
    return (f"channel means (R, G, B) over {len(port)} + {len(ours)} images: port {fmt(port.mean(0).tolist())}, "
            f"fdsl {fmt(ours.mean(0).tolist())}, z {fmt(z.tolist())}; blue - red: port "
            f"{port.mean(0)[2] - port.mean(0)[0]:+.1f}, fdsl {ours.mean(0)[2] - ours.mean(0)[0]:+.1f}")


def radial_stats(lum):
    f = np.fft.fft2(lum - lum.mean())
    power = np.abs(f) ** 2
    k = np.fft.fftfreq(RES) * RES
    kx, ky = np.meshgrid(k, k)
    r = np.sqrt(kx ** 2 + ky ** 2)
    radii = np.arange(2, 57)
    profile = np.array([power[np.round(r) == q].mean() for q in radii])
    slope = np.polyfit(np.log(radii), np.log(profile), 1)[0]
    band = (r >= 4) & (r <= 48)
    axes = power[band & ((kx == 0) | (ky == 0))].mean()
    diagonals = power[band & (np.abs(kx) == np.abs(ky))].mean()
    return slope, axes / diagonals


def stats(images):
    slopes, anisotropy, levels, kurtosis, means, stds, corr = [], [], [], [], [], [], []
    for img in images.astype(float):
        lum = img.mean(-1)
        s, a = radial_stats(lum)
        slopes.append(s)
        anisotropy.append(a)
        pyr = pt.pyramids.SteerablePyramidFreq(lum, height=3)
        c = pyr.pyr_coeffs
        levels.append([c["residual_highpass"].std()] + [np.mean([c[(j, b)].std() for b in range(4)]) for j in range(3)]
                      + [c["residual_lowpass"].std()])
        l0 = np.concatenate([c[(0, b)].ravel() for b in range(4)])
        kurtosis.append(((l0 - l0.mean()) ** 4).mean() / l0.var() ** 2)
        x = img.reshape(-1, 3)
        means.append(x.mean(0))
        stds.append(x.std(0))
        m = np.corrcoef(x.T)
        corr.append([m[0, 1], m[0, 2], m[1, 2]])
    slopes = np.array(slopes)
    return {
        "slope_mean": slopes.mean(), "slope_sd": slopes.std(),
        "slope_q10_50_90": np.quantile(slopes, [0.1, 0.5, 0.9]).tolist(),
        "axis_diag_power_median": float(np.median(anisotropy)),
        "level_std": np.mean(levels, 0).tolist(), "level0_kurtosis_mean": float(np.mean(kurtosis)),
        "channel_mean": np.mean(means, 0).tolist(), "channel_mean_sd": np.std(means, 0).tolist(),
        "channel_std": np.mean(stds, 0).tolist(), "corr_rg_rb_gb": np.nanmean(corr, 0).tolist(),
        "_means": np.array(means),
    }


def fmt(v):
    if isinstance(v, list):
        return "[" + ", ".join(fmt(x) for x in v) + "]"
    return f"{v:.3g}" if abs(v) < 10 else f"{v:.1f}"


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    mirror = sys.argv[2] if len(sys.argv) > 2 else "/work/.mirror/mbaradad+learning_with_noise/repo"
    if not os.environ.get("STATS_BIN"):
        subprocess.run(["cargo", "build", "-q", "--release", "-p", "fdsl-core", "--example", "statistical_stats"],
                       check=True)
    module = reference_module(mirror)
    random.seed(0)
    report = {}
    jpeg = os.environ.get("JPEG") == "1"
    chosen = os.environ.get("MODELS", ",".join(MODELS)).split(",")
    for model, flags in ((m, f) for m, f in MODELS.items() if m in chosen):
        sets = {}
        for name, (images, seconds) in (
                ("port 0..N", run_reference(module, flags, range(n))),
                ("port N..2N", run_reference(module, flags, range(n, 2 * n))),
                ("fdsl seed 0", run_fdsl(model, n, 0)),
                ("fdsl seed 1", run_fdsl(model, n, 1))):
            if jpeg:
                images = jpeg_round_trip(images)
            sets[name] = dict(stats(images), cpu_seconds_per_image=seconds)
        print(f"## stat-{model}, {n} images per set, {RES} px{', through JPEG q95 4:2:0' if jpeg else ''}")
        keys = [k for k in next(iter(sets.values())) if not k.startswith("_")]
        print("| statistic | " + " | ".join(sets) + " |")
        print("|---|" + "---|" * len(sets))
        for key in keys:
            print(f"| {key} | " + " | ".join(fmt(s[key]) for s in sets.values()) + " |")
        print()
        print(channel_z(sets), flush=True)
        print()
        report[model] = {name: {k: v for k, v in s.items() if not k.startswith("_")} for name, s in sets.items()}
    with open(os.environ.get("REPORT_JSON", os.devnull), "w") as f:
        json.dump(report, f, indent=1)


if __name__ == "__main__":
    main()
