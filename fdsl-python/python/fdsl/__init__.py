"""fdsl: formula-driven pre-training datasets generated on the fly, byte-identical to ``fdsl render``.

A dataset is its spec: a preset and overrides (those of ``fdsl render``), or a rendered folder's
manifest. Sample ``index`` is ``class * instances + instance``; its label is its class. Images with
masks (``segrcdb``) are numbered, not classed: ``ds[i]`` is the image and its label mask (uint8 H x W,
0 the background, else the class + 1).

>>> import fdsl
>>> ds = fdsl.Dataset("rcdb-1k", categories=2, instances=3, size=64)
>>> image, label = ds[4]          # class 1, instance 1
>>> images, labels = ds.render_batch([0, 1, 2])
>>> seg = fdsl.Dataset("segrcdb", instances=4, size=64)
>>> image, mask = seg[0]
"""

from __future__ import annotations

import json
import operator
import os
from collections.abc import Iterable, Sequence
from typing import Any, Union

import numpy as np

from . import _fdsl

__all__ = ["TOOL", "Dataset"]

TOOL: str = _fdsl.TOOL


# An index: a Python int or a numpy integer scalar (never a float, a bool or a string).
Index = Union[int, np.integer]

# The most worker threads one call starts (the library's cap: fdsl_dataset::memory::MAX_THREADS).
MAX_THREADS = 4096


def _quoted(value: object) -> str:
    """``value`` as a message quotes it back: a 301-digit number as its first digits and length."""
    text = repr(value)
    return text if len(text) <= 24 else f"{text[:12]}... ({len(text)} characters)"


def _integer(value: object, what: str) -> int:
    """``value`` as a Python int if it is an integer (int or numpy integer, not bool), else TypeError."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{what} must be an integer, not {type(value).__name__} {_quoted(value)}")
    return operator.index(value)


def _threads(threads: int | None) -> int:
    """``None`` is one thread (the caller's, as a DataLoader worker wants); 0 is one per core; at most
    ``MAX_THREADS``."""
    if threads is None:
        return 1
    threads = _integer(threads, "threads")
    if not 0 <= threads <= MAX_THREADS:
        raise ValueError(f"threads must be 0 (one per core) to {MAX_THREADS}, not {_quoted(threads)}")
    return threads or (os.cpu_count() or 1)


def _json_value(key: str, value: Any) -> Any:
    """An override as JSON takes it: numpy scalars as Python numbers, paths as strings; integers
    outside 64 bits refused (JSON would read them as floats)."""
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, np.integer):
        value = int(value)
    elif isinstance(value, np.floating):
        value = float(value)
    elif isinstance(value, np.bool_):
        value = bool(value)
    if isinstance(value, int) and not isinstance(value, bool) and not -(2**63) <= value < 2**64:
        raise ValueError(f"{key} must be an integer from 0 to 2**64 - 1, not {_quoted(value)}")
    return value


class Dataset:
    """Every sample of one dataset, rendered on demand with the bytes ``fdsl render`` writes.

    ``Dataset(preset="fractaldb-1k", seed=0, **overrides)`` takes the overrides of ``fdsl render``
    (``categories``, ``instances``, ``size``, ``points``, ``draw``, ``weight_step``,
    ``categories_from``, ``val_per_class``, ``mix_ratio``, ``objects``, ...). A bad preset or
    override raises ``ValueError`` with the library's message.
    """

    def __init__(self, preset: str = "fractaldb-1k", seed: Index = 0, **overrides: Any) -> None:
        seed = _integer(seed, "seed")
        if not 0 <= seed < 2**64:
            raise ValueError(f"seed must be an integer from 0 to 2**64 - 1, not {_quoted(seed)}")
        spec = {"preset": preset, "seed": seed}
        for key, value in overrides.items():
            spec[key] = _json_value(key, value)
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

    def __getitem__(self, index: Index) -> tuple[np.ndarray, Any]:
        """Sample ``index`` (negative counts from the end) and its label; with masks, its image and its
        mask (uint8 H x W)."""
        i = _index(index, len(self))
        if self._inner.has_masks():
            images, masks = self._inner.render(i)
            return images[0], masks[0]
        return self._inner.render(i)[0], self._inner.label(i)

    @property
    def has_masks(self) -> bool:
        """Whether every sample is an image with a per-pixel label mask (``segrcdb``)."""
        return self._inner.has_masks()

    def prepare(self, threads: int | None = 0) -> None:
        """Do the dataset's shared work now, on ``threads`` threads (0: one per core; None: this
        one): the texture pool of ``dead-leaves-textured`` (each texture made once, 0.4 CPU-s, kept
        with the dataset); nothing for other presets. Samples are the same bytes either way; call it
        before a DataLoader forks its workers (the Linux default), so that they share the pool
        instead of each making its own."""
        self._inner.prepare(_threads(threads))

    def render_batch(
        self, indices: Iterable[Index], threads: int | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Samples ``indices`` as one array (N x H x W uint8, or N x P x 3 float32) and their int64
        labels (with masks: the images and their masks, N x H x W uint8 each), on ``threads`` threads (None: this one; 0: one per core; at most 4096) with the GIL
        released. Indices are integers (negative count from the end); a batch that cannot fit in
        memory raises ``MemoryError``. The bytes do not depend on ``threads`` or the order; samples of
        one unit share work."""
        return self._inner.render_batch(_indices(indices, len(self)), _threads(threads))

    def render_into(
        self,
        indices: Iterable[Index],
        out: np.ndarray,
        threads: int | None = None,
        masks: np.ndarray | None = None,
    ) -> None:
        """Render images ``indices`` into ``out``: a C-contiguous, writable uint8 array of
        len(indices) x H x W (else ``TypeError``: a Fortran-ordered or strided view would receive
        other bytes than its elements); with masks, their masks into ``masks`` (the same kind of
        array, len(indices) x H x W; required with masks, ``ValueError`` without)."""
        for name, array in (("out", out), ("masks", masks)):
            if array is None and name == "masks":
                continue
            if not isinstance(array, np.ndarray) or array.dtype != np.uint8:
                raise TypeError(f"{name} must be a numpy array of dtype uint8")
            if not array.flags.c_contiguous:
                raise TypeError(f"{name} must be C-contiguous (np.ascontiguousarray, or np.empty in C order)")
            if not array.flags.writeable:
                raise TypeError(f"{name} must be writable")
        self._inner.render_into(_indices(indices, len(self)), out, _threads(threads), masks)

    def label(self, index: Index) -> int:
        """The label of sample ``index`` (negative counts from the end): its class (-1 for scenes and
        images with masks)."""
        return self._inner.label(_index(index, len(self)))

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


def _index(index: object, n: int) -> int:
    """``index`` (an integer; negative counts from the end) as a position in ``0..n``, else
    ``TypeError`` or ``IndexError``."""
    i = _integer(index, "dataset indices")
    if not -n <= i < n:
        raise IndexError(f"index {_quoted(i)} is out of range for {n} samples")
    return i + n if i < 0 else i


def _indices(indices: Iterable[Index], n: int) -> list[int]:
    """A batch's indices: a 1-D integer array or an iterable of integers (negative count from the end);
    floats, strings, booleans and arrays of other shapes are refused (``TypeError``)."""
    if isinstance(indices, (str, bytes)):
        raise TypeError("indices must be integers, not a string")
    if isinstance(indices, np.ndarray):
        if indices.ndim != 1 or indices.dtype.kind not in "iu":
            raise TypeError(
                f"indices must be a 1-D integer array, not {indices.ndim}-D of dtype {indices.dtype}"
            )
        indices = indices.tolist()
    return [_index(i, n) for i in indices]


def _from_parts(spec_json: str, texts: list) -> Dataset:
    return Dataset._wrap(_fdsl.Dataset.from_parts(spec_json, texts))
