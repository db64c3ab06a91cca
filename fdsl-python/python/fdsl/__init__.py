"""fdsl: formula-driven pre-training datasets generated on the fly, byte-identical to ``fdsl render``.

A dataset is its spec: a preset and overrides (those of ``fdsl render``), or a rendered folder's
manifest. Sample ``index`` is ``class * instances + instance``; its label is its class (a number,
-1 for samples numbered in one unlabelled group). A sample is its parts, by name (``ds.parts(i)``):
an image; an image and its mask; a point cloud; a scene's points and layout. ``ds[i]`` is the
conventional pair: the first part and its label, or where a part labels the first one element by
element (a mask: uint8 H x W, 0 the background, else the class + 1), the first part and that one.

>>> import fdsl
>>> ds = fdsl.Dataset("rcdb-1k", categories=2, instances=3, size=64)
>>> image, label = ds[4]          # class 1, instance 1
>>> images, labels = ds.render_batch([0, 1, 2])
>>> seg = fdsl.Dataset("segrcdb", instances=4, size=64)
>>> image, mask = seg[0]
>>> sorted(seg.parts(0))
['image', 'mask']
"""

from __future__ import annotations

import functools
import json
import operator
import os
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple, Union

import numpy as np

from . import _fdsl

__all__ = ["TOOL", "Dataset", "PartInfo", "Preset", "presets"]

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


class Preset(NamedTuple):
    """A published dataset fdsl makes, and a small example of it."""

    name: str
    """Its name: ``Dataset(name)``, ``fdsl render --preset NAME``."""
    about: str
    """What it is, in a line."""
    example: dict[str, Any]
    """A small dataset of it, made in well under a second: ``Dataset(name, **example)``."""
    variants: dict[str, dict[str, Any]]
    """Variants of the example (a val split, a colour, a mask mode): ``Dataset(name, **variant)``."""


def presets() -> list[Preset]:
    """Every preset, with its small example and the example's variants."""
    return [
        Preset(name, about, json.loads(example), {v: json.loads(o) for v, o in variants})
        for name, about, example, variants in _fdsl.presets()
    ]


class PartInfo(NamedTuple):
    """One part of every sample of a dataset."""

    name: str
    """Its name, unique in the sample: ``image``, ``mask``, ``points``, ``layout``, ..."""
    role: str
    """What it is: ``image`` (H x W or H x W x C), ``mask`` (H x W, a label per pixel), ``points``
    (N x 3), ``layout`` (N x 11 per placed object), ``volume`` (D x H x W), ``labels`` (D x H x W)."""
    dtype: np.dtype
    """Its values' type (little-endian)."""
    shape: tuple[int, ...]
    """Its dimensions; for a bounded part the first is the most (a sample has any number up to it)."""
    bounded: bool
    """Whether its first dimension varies from sample to sample (a scene's points)."""
    annotates: bool
    """Whether it labels another part element by element (a mask its image): a dense target."""


class Dataset:
    """Every sample of one dataset, rendered on demand with the bytes ``fdsl render`` writes.

    ``Dataset(preset=DEFAULT_PRESET, seed=0, **overrides)`` takes the overrides of ``fdsl render``
    (``categories``, ``instances``, ``size``, ``points``, ``draw``, ``weight_step``,
    ``categories_from``, ``val_per_class``, ``mix_ratio``, ``objects``, ...). A bad preset or
    override raises ``ValueError`` with the library's message.
    """

    def __init__(self, preset: str = _fdsl.DEFAULT_PRESET, seed: Index = 0, **overrides: Any) -> None:
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
        """Sample ``index`` (negative counts from the end) as the conventional pair torchvision, timm
        and mmsegmentation code expect: its first part and its label (an image and its class), or
        where a part labels the first element by element (``target_part``), the first part and that
        one (an image and its mask, a volume and its labels)."""
        i = _index(index, len(self))
        parts = self._inner.render(i)
        target = self._target_index()
        if target is None:
            return parts[0][0], self._inner.label(i)
        return parts[0][0], parts[target][0]

    def parts(self, index: Index) -> dict[str, np.ndarray]:
        """Sample ``index``'s parts by name, in order (``part_info``): each an array of its dimensions
        and type (a bounded part: its actual entries)."""
        i = _index(index, len(self))
        return {p.name: a[0] for p, a in zip(self.part_info, self._inner.render(i))}

    @functools.cached_property
    def part_info(self) -> list[PartInfo]:
        """The parts of every sample, in order."""
        return [
            PartInfo(name, role, np.dtype(element), tuple(dims), bounded, annotates)
            for name, role, element, dims, bounded, annotates in self._inner.parts()
        ]

    @property
    def target_part(self) -> str | None:
        """The part that labels the first element by element (a mask), the target ``ds[i]`` pairs
        with it; ``None`` where the target is the label (a class)."""
        i = self._target_index()
        return None if i is None else self.part_info[i].name

    def _target_index(self) -> int | None:
        return next((k for k, p in enumerate(self.part_info) if k > 0 and p.annotates), None)

    def prepare(self, threads: int | None = 0) -> None:
        """Do the dataset's shared work now, on ``threads`` threads (0: one per core; None: this
        one): a family's texture pool (each texture made once, 0.06 CPU-s, kept with the dataset
        and on disk, in the user's cache folder: ``$FDSL_CACHE_DIR``, else ``~/.cache/fdsl``; a
        rendered folder's ``.fdsl-cache`` for ``Dataset.from_manifest``); nothing for most presets.
        Without it, each sample makes the textures it needs (read back from the cache where they
        are kept). Samples are the same bytes either way; call it before a DataLoader forks its
        workers (the Linux default), so that they share the pool in memory; workers started
        otherwise read it back from the cache."""
        self._inner.prepare(_threads(threads))

    def render_batch(
        self, indices: Iterable[Index], threads: int | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Samples ``indices`` as ``ds[i]`` pairs them, each side one array: the first parts (N x H x W
        uint8, or N x P x 3 float32) and their int64 labels, or the first parts and their target parts
        (``target_part``: images and masks, N x H x W uint8 each); on ``threads`` threads (None: this
        one; 0: one per core; at most 4096) with the GIL released. ``render_batch_parts`` gives every
        part. Indices are integers (negative count from the end); a batch that cannot fit in memory
        raises ``MemoryError``. The bytes do not depend on ``threads`` or the order; samples of one
        unit share work."""
        arrays, labels = self._inner.render_batch(_indices(indices, len(self)), _threads(threads))
        target = self._target_index()
        return arrays[0], labels if target is None else arrays[target]

    def render_batch_parts(
        self, indices: Iterable[Index], threads: int | None = None
    ) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """Samples ``indices``, each part by name as one array (N x its dimensions), and their int64
        labels; threads and indices as ``render_batch``. Parts that vary in size (a scene's points)
        are refused (``ValueError``): take such samples one at a time (``parts``)."""
        arrays, labels = self._inner.render_batch(_indices(indices, len(self)), _threads(threads))
        return {p.name: a for p, a in zip(self.part_info, arrays)}, labels

    def render_into(
        self, indices: Iterable[Index], out: np.ndarray, threads: int | None = None, **parts: np.ndarray
    ) -> None:
        """Render samples ``indices``, their first part into ``out`` and every other part into the
        array named after it (``ds.render_into(i, images, mask=masks)``): C-contiguous, writable
        arrays of the part's type (else ``TypeError``: a Fortran-ordered or strided view would
        receive other bytes than its elements), of len(indices) x the part's dimensions, each its own
        memory (else ``ValueError``)."""
        info = self.part_info
        chosen = _indices(indices, len(self))
        arrays = {info[0].name: out, **parts}
        unknown = [name for name in parts if name not in {p.name for p in info[1:]}]
        missing = [p.name for p in info if p.name not in arrays]
        if unknown or missing:
            raise TypeError(
                f"these samples have the parts {', '.join(p.name for p in info)}: give the first as out and "
                f"the others by name{f' (missing: {missing})' if missing else ''}"
                f"{f' (not a part: {unknown})' if unknown else ''}"
            )
        outs = []
        for p in info:
            array = arrays[p.name]
            if not isinstance(array, np.ndarray) or array.dtype != p.dtype:
                raise TypeError(f"the {p.name} array must be a numpy array of dtype {p.dtype}")
            if not array.flags.c_contiguous:
                raise TypeError(
                    f"the {p.name} array must be C-contiguous (np.ascontiguousarray, or np.empty in C order)"
                )
            if not array.flags.writeable:
                raise TypeError(f"the {p.name} array must be writable")
            want = (len(chosen), *p.shape)
            if array.shape != want:
                raise ValueError(f"the {p.name} array has shape {array.shape}; these samples need {want}")
            outs.append(array.view(np.uint8))
        for k, p in enumerate(info):
            for q in info[k + 1 :]:
                if np.may_share_memory(arrays[p.name], arrays[q.name]):
                    raise ValueError(
                        f"the {p.name} and {q.name} arrays overlap: give each part an array of its own"
                    )
        self._inner.render_into(chosen, outs, _threads(threads))

    def label(self, index: Index) -> int:
        """The label of sample ``index`` (negative counts from the end): its class (-1 for samples
        numbered in one unlabelled group)."""
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
        """The dimensions of the first part (``part_info[0].shape``)."""
        return self.part_info[0].shape

    @property
    def dtype(self) -> np.dtype:
        """The type of the first part's values."""
        return self.part_info[0].dtype

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
