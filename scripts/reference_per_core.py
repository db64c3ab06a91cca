#!/usr/bin/env python3
"""CPU seconds per image of a reference generator on one thread, for BENCHMARKS.md's side-by-side runs.

    python3 scripts/reference_per_core.py af N                    # A&F's IFSGenerator() (numba, OpenCV)
    python3 scripts/reference_per_core.py spectrum N              # the statistical port's generate_example_seed
    python3 scripts/reference_per_core.py spectrum_color_wmm N    # (also wmm, spectrum_color)

A&F: the reference's files loaded from its mirror as scripts/reference_af.py does, N systems of
`ifs.sample_system((2, 5), bval=1)`, `process_time()` around `gen(sys)` after a 5-image warm-up
(numba compiles there). Statistical: the port's module built as scripts/reference_statistical.py does,
`generate_example_seed(i, GenerationParams(resolution=128, ..., correlate_channels=True))` for
i = 0..N-1, no file written. Run from the repository root; one thread (the variables below, OpenCV's
setNumThreads(1)).
"""
import os
import sys
import tempfile
import time

for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ[v] = "1"
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def af(n):
    import cv2
    import numpy as np
    import reference_af

    cv2.setNumThreads(1)
    with tempfile.TemporaryDirectory() as tmp:
        ifs, generator = reference_af.load_reference("/work/.mirror/catalys1+fractal-pretraining/repo", tmp)
        rng = np.random.default_rng(0)
        systems = [ifs.sample_system((2, 5), bval=1, rng=rng) for _ in range(n)]
        gen = generator.IFSGenerator()
        for s in systems[:5]:
            gen(s)
        start = time.process_time()
        for s in systems:
            gen(s)
        return time.process_time() - start


def statistical(model, n):
    import reference_statistical as rs

    module = rs.reference_module("/work/.mirror/mbaradad+learning_with_noise/repo")
    color, spectrum, wmm = rs.MODELS[model]
    start = time.process_time()
    for i in range(n):
        params = module.GenerationParams(resolution=128, impose_color_model=color, correlate_channels=True,
                                         impose_spectrum=spectrum, impose_wmm=wmm)
        module.generate_example_seed(i, params)
    return time.process_time() - start


def main():
    what, n = sys.argv[1], int(sys.argv[2])
    cpu = af(n) if what == "af" else statistical(what, n)
    print(f"{what}: {n} images, {cpu:.3f} CPU-s, {n / cpu:.2f} images per CPU second")


if __name__ == "__main__":
    main()
