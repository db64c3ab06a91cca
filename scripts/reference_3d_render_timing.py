#!/usr/bin/env python3
"""A lower bound of the 3-D references' per-image time on one core, without OpenGL.

The references (`exfractaldb_render/`: `instance.py` writes each model as PLY, `image_render/render.py`
reads it with plyfile, copies the points into a ctypes array for the vertex buffer, draws them with
OpenGL through EGL and saves each view as an RGB PNG with PIL) need an EGL device, which this machine
does not have. This times the parts that run on the CPU in Python: the model (the chain of
`reference_3d_timing.py` with its normalisation), a binary PLY written and read back with plyfile, the
ctypes array, and PIL's PNG save of a 224x224 RGB view with a few thousand white points. The GPU draw
and the pixel read-back are left out, so the real per-image time is higher.
usage: reference_3d_render_timing.py [MODELS]   (needs numpy, pillow, plyfile)
"""
import ctypes
import io
import os
import sys
import tempfile
import time

import numpy as np
from PIL import Image
from plyfile import PlyData, PlyElement

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reference_3d_timing import candidate


def main():
    models = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    rng = np.random.default_rng(0)
    start = time.perf_counter()
    with np.errstate(all="ignore"):
        for _ in range(models):
            candidate(rng, 10000)
    model = (time.perf_counter() - start) / models

    points = rng.uniform(-1, 1, (9999, 3)).astype(np.float32)
    vertices = np.array([tuple(p) for p in points], dtype=[("x", "f4"), ("y", "f4"), ("z", "f4")])
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "model.ply")
        start = time.perf_counter()
        for _ in range(models):
            PlyData([PlyElement.describe(vertices, "vertex")]).write(path)
            with open(path, "rb") as f:
                data = PlyData.read(f)
                pts = np.array([np.asarray(data.elements[0].data[k]) for k in "xyz"], dtype=np.float32).T
            (ctypes.c_float * pts.size)(*pts.reshape(pts.size))
        transfer = (time.perf_counter() - start) / models

    view = np.zeros((224, 224, 3), dtype=np.uint8)
    view[rng.integers(0, 224, 3000), rng.integers(0, 224, 3000)] = 255
    start = time.perf_counter()
    for _ in range(10 * models):
        Image.fromarray(view).save(io.BytesIO(), format="PNG")
    save = (time.perf_counter() - start) / (10 * models)

    print(f"per model: chain {1000 * model:.2f} ms, PLY out and in + ctypes array {1000 * transfer:.2f} ms")
    print(f"per view: PNG save {1000 * save:.2f} ms (GPU draw and read-back not counted)")
    print(f"at least {1000 * (model + transfer + save):.2f} ms per image with one view per model (ExFractalDB),")
    print(f"at least {1000 * ((model + transfer) / 12 + save):.2f} ms per image with 12 views per model (MV-FractalDB)")


if __name__ == "__main__":
    main()
