"""fdsl: formula-driven pre-training datasets generated on the fly, byte-identical to ``fdsl render``.

A dataset is its spec: a preset and overrides (those of ``fdsl render``), or a rendered folder's
manifest. Sample ``index`` is ``class * instances + instance``; its label is its class.

>>> import fdsl
>>> ds = fdsl.Dataset("rcdb-1k", categories=2, instances=3, size=64)
>>> image, label = ds[4]          # class 1, instance 1
>>> images, labels = ds.render_batch([0, 1, 2])
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from . import _fdsl

__all__ = ["TOOL", "Dataset"]

TOOL: str = _fdsl.TOOL


def _threads(threads: int | None) -> int:
    """``None`` is one thread (the caller's, as a DataLoader worker wants); 0 is one per core."""
    if threads is None:
        return 1
    if threads < 0:
        raise ValueError(f"threads must be at least 0, not {threads}")
    return threads or (os.cpu_count() or 1)


class Dataset:
    """Every sample of one dataset, rendered on demand with the bytes ``fdsl render`` writes.

    ``Dataset(preset="fractaldb-1k", seed=0, **overrides)`` takes the overrides of ``fdsl render``
    (``categories``, ``instances``, ``size``, ``points``, ``draw``, ``weight_step``,
    ``categories_from``, ``val_per_class``, ``mix_ratio``, ``objects``, ...). A bad preset or
    override raises ``ValueError`` with the library's message.
    """

    def __init__(self, preset: str = "fractaldb-1k", seed: int = 0, **overrides: Any) -> None:
        spec = {"preset": preset, "seed": seed}
        for key, value in overrides.items():
            spec[key] = os.fspath(value) if isinstance(value, os.PathLike) else value
        self._inner = _fdsl.Dataset(json.dumps(spec))

    @classmethod
    def _wrap(cls, inner: _fdsl.Dataset) -> Dataset:
        dataset = cls.__new__(cls)
        dataset._inner = inner
        return dataset

    @classmethod
    def from_manifest(cls, path: str | os.PathLike[str]) -> Dataset:
        """The dataset a rendered folder (or its ``manifest.json``) describes."""
        return cls._wrap(_fdsl.Dataset.from_manifest(os.fspath(path)))

    @classmethod
    def from_spec(cls, spec: dict[str, Any] | str) -> Dataset:
        """The dataset of a whole spec (a manifest's ``spec``) or a short one, as a dict or JSON."""
        return cls._wrap(_fdsl.Dataset(spec if isinstance(spec, str) else json.dumps(spec)))

    def __reduce__(self) -> tuple[Any, tuple[str, list]]:
        # The whole spec and the category texts: no search or file read in the worker.
        return (_from_parts, (self._inner.spec_json(), self._inner.category_texts()))

    def __len__(self) -> int:
        return len(self._inner)

    def __getitem__(self, index: int) -> tuple[np.ndarray, int]:
        """Sample ``index`` (negative counts from the end) and its label."""
        if not isinstance(index, (int, np.integer)):
            raise TypeError(f"dataset indices are integers, not {type(index).__name__}")
        n = len(self)
        i = int(index) + n if index < 0 else int(index)
        if not 0 <= i < n:
            raise IndexError(f"index {index} is out of range for {n} samples")
        return self._inner.render(i)[0], self._inner.label(i)

    def render_batch(
        self, indices: Iterable[int], threads: int | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Samples ``indices`` as one array (N x H x W uint8, or N x P x 3 float32) and their int64
        labels, on ``threads`` threads (None: this one; 0: one per core) with the GIL released. The
        bytes do not depend on ``threads`` or the order; samples of one unit share work."""
        return self._inner.render_batch(_indices(indices), _threads(threads))

    def render_into(self, indices: Iterable[int], out: np.ndarray, threads: int | None = None) -> None:
        """Render images ``indices`` into ``out`` (C-contiguous uint8, len(indices) x H x W)."""
        if not isinstance(out, np.ndarray) or out.dtype != np.uint8:
            raise TypeError("out must be a numpy array of dtype uint8")
        self._inner.render_into(_indices(indices), out, _threads(threads))

    def label(self, index: int) -> int:
        """The label of sample ``index``: its class (-1 for scenes)."""
        return self._inner.label(index)

    @property
    def classes(self) -> Sequence[str]:
        """The class folder names, in label order (as ``classes.txt``)."""
        return self._inner.classes()

    @property
    def spec(self) -> dict[str, Any]:
        """The whole spec, as ``manifest.json`` records it."""
        return json.loads(self._inner.spec_json())

    @property
    def sample_shape(self) -> tuple[int, ...]:
        return tuple(self._inner.sample_shape())

    @property
    def dtype(self) -> np.dtype:
        return np.dtype(self._inner.dtype())

    def split_indices(self, split: str) -> np.ndarray:
        """The indices of ``"train"`` or ``"val"`` (the last ``val_per_class`` instances of each class)."""
        return self._inner.split_indices(split)

    def units(self) -> np.ndarray:
        """One int64 per index: samples with the same value share work (a chaos game, a 3-D model)."""
        return self._inner.units()

    def __repr__(self) -> str:
        spec = self.spec
        return f"fdsl.Dataset({spec['preset']!r}, {len(self)} samples, {len(self.classes)} classes, seed {spec['seed']})"


def _indices(indices: Iterable[int]) -> list:
    values = [
        int(i) for i in np.asarray(list(indices) if not isinstance(indices, np.ndarray) else indices).ravel()
    ]
    if any(i < 0 for i in values):
        raise IndexError("batch indices must be non-negative")
    return values


def _from_parts(spec_json: str, texts: list) -> Dataset:
    return Dataset._wrap(_fdsl.Dataset.from_parts(spec_json, texts))
