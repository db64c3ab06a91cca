"""Natural images with no download: Fashion-MNIST from Debian's ``dataset-fashion-mnist`` package and
scikit-image's texture photographs cut into patches.

Each reader returns ``(images, labels)``: uint8 ``N x H x W`` and int64 ``N``, for
:class:`fdsl.train.data.ArrayDataset`.
"""

from __future__ import annotations

import gzip
import os
from collections.abc import Sequence

import numpy as np

__all__ = ["FASHION_MNIST_ROOT", "TEXTURES", "fashion_mnist", "per_class", "texture_patches"]

FASHION_MNIST_ROOT = "/usr/share/datasets/fashion-mnist"
"""Where ``apt-get install dataset-fashion-mnist`` puts the four IDX files (gzip)."""

TEXTURES = ("brick", "grass", "gravel")
"""scikit-image's CC0 texture photographs (512 x 512 grey, shipped in its wheel), one class each."""


def _idx(path: str, magic: int) -> np.ndarray:
    """An IDX file (LeCun's MNIST format): big-endian magic ``0x0000 0800 | ndim``, ``ndim``
    big-endian int32 sizes, then the uint8 values, row-major. Gzipped or not."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    if len(data) < 4 or int.from_bytes(data[:4], "big") != magic:
        raise ValueError(f"{path} is not an IDX file of uint8 with {magic & 0xFF} dimensions")
    ndim = magic & 0xFF
    shape = tuple(int.from_bytes(data[4 + 4 * k : 8 + 4 * k], "big") for k in range(ndim))
    body = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    if body.size != int(np.prod(shape)):
        raise ValueError(f"{path}: {body.size} values for a shape of {shape}")
    return body.reshape(shape).copy()  # writable, as torch wants


def fashion_mnist(split: str, root: str = FASHION_MNIST_ROOT) -> tuple[np.ndarray, np.ndarray]:
    """Fashion-MNIST (Xiao et al. 2017, MIT): ``split`` "train" (60,000) or "test" (10,000) 28 x 28
    grey images of 10 clothing classes, in the files' order."""
    prefix = {"train": "train", "test": "t10k"}.get(split)
    if prefix is None:
        raise ValueError(f"Fashion-MNIST has the splits train and test, not {split!r}")
    paths = [
        os.path.join(root, f"{prefix}-{kind}-idx{n}-ubyte.gz") for kind, n in (("images", 3), ("labels", 1))
    ]
    missing = [p for p in paths if not os.path.exists(p)]
    if missing:
        raise FileNotFoundError(
            f"Fashion-MNIST not found at {missing[0]}: apt-get install dataset-fashion-mnist, or give the "
            "folder of its four IDX files as --data-root DIR"
        )
    images, labels = _idx(paths[0], 0x803), _idx(paths[1], 0x801)
    if len(images) != len(labels):
        raise ValueError(f"Fashion-MNIST {split}: {len(images)} images but {len(labels)} labels")
    return images, labels.astype(np.int64)


def texture_patches(
    split: str, patch: int = 32, per_class: int = 128, seed: int = 0, names: Sequence[str] = TEXTURES
) -> tuple[np.ndarray, np.ndarray]:
    """Square ``patch`` px patches of scikit-image's texture photographs, class k from ``names[k]``.

    "train": ``per_class`` patches at positions drawn uniformly (numpy PCG64 of ``seed``) in each
    photograph's left half; "test": every non-overlapping patch of a grid over the right half (for 512 px
    photographs and 32 px patches, 16 x 8 = 128 per class). No train patch shares a pixel with a test one.
    """
    if split not in ("train", "test"):
        raise ValueError(f"the texture patches have the splits train and test, not {split!r}")
    try:
        from skimage import data as photographs
    except ImportError as error:
        raise ImportError("the texture patches need scikit-image: pip install scikit-image") from error
    rng = np.random.Generator(np.random.PCG64(seed))
    images, labels = [], []
    for label, name in enumerate(names):
        photo = np.asarray(getattr(photographs, name)())
        if photo.ndim == 3:  # an RGB photograph: its luma, as PIL's "L" (ITU-R 601-2)
            photo = (photo[..., :3] @ np.array([0.299, 0.587, 0.114])).round().astype(np.uint8)
        height, width = photo.shape
        half = width // 2
        if height < patch or half < patch:
            raise ValueError(f"{name} ({width} x {height}) is too small for {patch} px patches in halves")
        if split == "train":
            ys = rng.integers(0, height - patch + 1, per_class)
            xs = rng.integers(0, half - patch + 1, per_class)
        else:
            grid = [
                (y, half + x)
                for y in range(0, height - patch + 1, patch)
                for x in range(0, half - patch + 1, patch)
            ]
            ys, xs = (np.array(c) for c in zip(*grid))
        images += [photo[y : y + patch, x : x + patch] for y, x in zip(ys, xs)]
        labels += [label] * len(ys)
    return np.stack(images), np.array(labels, dtype=np.int64)


def per_class(labels: np.ndarray, n: int, seed: int) -> np.ndarray:
    """Positions of ``n`` samples of each class, drawn without replacement (numpy PCG64 of ``seed``),
    in increasing order; ``n`` = 0 keeps every sample."""
    if n < 0:
        raise ValueError(f"the number per class must be at least 0, not {n}")
    if n == 0:
        return np.arange(len(labels))
    rng = np.random.Generator(np.random.PCG64(seed))
    chosen = []
    for c in np.unique(labels):
        members = np.flatnonzero(labels == c)
        if len(members) < n:
            raise ValueError(f"class {c} has {len(members)} samples, fewer than {n}")
        chosen.append(rng.choice(members, n, replace=False))
    return np.sort(np.concatenate(chosen))
