"""fdsl for PyTorch: a ``torch.utils.data.Dataset`` of on-the-fly samples and a sampler by unit of
shared work (import ``fdsl.torch`` only where torch is installed).

>>> import fdsl, fdsl.torch, torch
>>> data = fdsl.torch.FdslDataset(fdsl.Dataset(), split="train")
>>> sampler = fdsl.torch.UnitSampler(data, seed=0)
>>> loader = torch.utils.data.DataLoader(data, batch_size=256, sampler=sampler, num_workers=8)

Samples are pure functions of (spec, index): the same on any machine and with any number of workers.
The loader fetches each batch with one ``__getitems__`` call, rendered by ``Dataset.render_batch``, so
the samples of one unit in a batch share its work (one chaos game for 40 images, say).

Shuffling: ``UnitSampler`` shuffles units, seeded by (seed, epoch), and keeps each unit's samples
together, so a batch of 256 images of 40-image units holds about 7 classes (256 / 40) and renders about 16x
faster per image than isolated samples (BENCHMARKS.md). ``window=W`` shuffles the samples of W
consecutive units together: batches mix about min(W, 256) units at the cost of sharing less work.
The fully random alternative is torch's own ``RandomSampler`` (every sample renders alone).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Callable

import numpy as np
import torch
from torch.utils.data import Dataset as _TorchDataset
from torch.utils.data import Sampler

import fdsl

__all__ = ["FdslDataset", "UnitSampler"]

# The torchvision.tv_tensors class of each part role torchvision's v2 transforms know: an image's
# pixels move and change, a mask's labels move with them (nearest-neighbour) and never change.
_TV_TENSORS = {"image": "Image", "mask": "Mask", "labels": "Mask"}

# The MONAI dictionary key of each part role of volume samples: what MONAI's ``LoadImaged(keys=
# ["image", "label"])`` reads from a datalist's NIfTI pair.
_MONAI_KEYS = {"volume": "image", "labels": "label"}


def _monai_item(parts: dict[str, np.ndarray], roles: dict[str, str]) -> dict[str, Any]:
    """A volume sample as MONAI's ``LoadImaged`` + ``EnsureChannelFirstd`` give its NIfTI files: per
    part a float32 tensor 1 x D x H x W (the NIfTI's i, j, k axes, as nibabel reads them) under its
    ``_MONAI_KEYS`` key, with the metadata MONAI carries for fdsl's files (identity ``affine``,
    ``pixdim`` all 1, the ``spatial_shape``): a ``monai.data.MetaTensor`` where MONAI is installed,
    else a tensor and the metadata under ``KEY_meta_dict``."""
    try:
        from monai.data import MetaTensor
    except ImportError:
        MetaTensor = None
    item: dict[str, Any] = {}
    for name, array in parts.items():
        key = _MONAI_KEYS[roles[name]]
        tensor = torch.from_numpy(array.astype(np.float32)[None])
        meta = {
            "affine": torch.eye(4, dtype=torch.float64),
            "original_affine": np.eye(4),
            "pixdim": np.ones(8, dtype=np.float32),
            "spatial_shape": np.array(array.shape, dtype=np.int16),
            "original_channel_dim": "no_channel",
        }
        if MetaTensor is not None:
            item[key] = MetaTensor(tensor, meta=meta)  # the affine is the meta's
        else:
            item[key], item[f"{key}_meta_dict"] = tensor, meta
    return item


def _channels_first(part: np.ndarray, role: str) -> np.ndarray:
    """An image part as torch lays images out, C x H x W (a grey image 1 x H x W); other parts as
    they are."""
    if role != "image":
        return part
    return part[None] if part.ndim == 2 else part.transpose(2, 0, 1)


def _tv_tensor(part: np.ndarray, role: str) -> Any:
    """A part as the ``tv_tensors`` class of its role (``_TV_TENSORS``), else a plain tensor."""
    tensor = torch.from_numpy(np.ascontiguousarray(_channels_first(part, role)))
    if role not in _TV_TENSORS:
        return tensor
    from torchvision import tv_tensors

    return getattr(tv_tensors, _TV_TENSORS[role])(tensor)


class FdslDataset(_TorchDataset):
    """A map-style torch dataset over an ``fdsl.Dataset`` (or one split of it).

    Without ``transform`` an image is a uint8 tensor C x H x W (C = 1 grey, 3 RGB), a point cloud
    float32 N x 3.
    With ``transform``, it receives a PIL image (``pil=True``, as torchvision and timm transforms
    expect) or the uint8 tensor (``pil=False``); ``target_transform`` receives the label.

    Samples whose target is a part (``fdsl.Dataset.target_part``: an image's mask): an item is the
    first part and the target part, each wrapped as the ``torchvision.tv_tensors`` class of its role
    (``_TV_TENSORS``: an image as ``tv_tensors.Image``, uint8 C x H x W; a mask as
    ``tv_tensors.Mask``, uint8 H x W, 0 the background, else the class + 1), and ``transform`` is
    called with both, ``transform(image, mask)``, as torchvision's v2 transforms take them: a
    geometric transform (a flip, a crop, a resize) moves the mask with the image,
    nearest-neighbour, and photometric ones leave it alone (``pil`` does not apply);
    ``target_transform`` receives the target. Needs torchvision.

    Volume samples (parts of roles ``volume`` and ``labels``: PrimGeoSeg) are a dict as MONAI's
    ``LoadImaged(keys=["image", "label"])`` + ``EnsureChannelFirstd`` make of their NIfTI pair
    (``_monai_item``): ``image`` and ``label`` float32 1 x D x H x W with their affine and pixdim;
    ``transform`` receives the dict (MONAI's dictionary transforms), ``target_transform`` does not
    apply. The labels are class ids 0 to 32: a segmentation head of 33 outputs.
    """

    def __init__(
        self,
        dataset: fdsl.Dataset,
        split: str | None = None,
        transform: Callable[[Any], Any] | None = None,
        target_transform: Callable[[int], Any] | None = None,
        pil: bool = True,
    ) -> None:
        self.dataset = dataset
        self.indices = dataset.split_indices(split) if split else np.arange(len(dataset), dtype=np.int64)
        self.transform, self.target_transform, self.pil = transform, target_transform, pil

    def __len__(self) -> int:
        return len(self.indices)

    def _volumes(self) -> bool:
        """Whether every part is a volume's (``_MONAI_KEYS``): items are MONAI's dicts."""
        return all(p.role in _MONAI_KEYS for p in self.dataset.part_info)

    def _volume_item(self, first: np.ndarray, target_part: np.ndarray) -> Any:
        info = self.dataset.part_info
        item = _monai_item(
            {info[0].name: first, self.dataset.target_part: target_part}, {p.name: p.role for p in info}
        )
        return self.transform(item) if self.transform is not None else item

    def _item(self, sample: np.ndarray, label: Any) -> Any:
        parts = self.dataset.part_info
        if self._volumes():
            return self._volume_item(sample, label)
        if self.dataset.target_part is not None:
            return self._dense_item(sample, label)
        tensor = torch.from_numpy(np.ascontiguousarray(_channels_first(sample, parts[0].role)))
        if self.transform is not None:
            if self.pil and sample.dtype == np.uint8:
                from PIL import Image

                item: Any = self.transform(Image.fromarray(sample))
            else:
                item = self.transform(tensor)
        else:
            item = tensor
        target = self.target_transform(label) if self.target_transform is not None else label
        return item, target

    def _dense_item(self, first: np.ndarray, target_part: np.ndarray) -> tuple[Any, Any]:
        roles = {p.name: p.role for p in self.dataset.part_info}
        item: Any = _tv_tensor(first, self.dataset.part_info[0].role)
        target: Any = _tv_tensor(target_part, roles[self.dataset.target_part])
        if self.transform is not None:
            item, target = self.transform(item, target)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return item, target

    def __getitem__(self, position: int) -> Any:
        sample, label = self.dataset[int(self.indices[position])]
        return self._item(sample, label)

    def __getitems__(self, positions: Sequence[int]) -> list[Any]:
        """A whole batch in one render (what torch's DataLoader calls when it exists)."""
        indices = [int(self.indices[p]) for p in positions]
        if any(p.bounded for p in self.dataset.part_info):  # parts that vary in size: one at a time
            return [self.__getitem__(p) for p in positions]
        samples, targets = self.dataset.render_batch(indices)
        if self.dataset.target_part is not None:  # the first parts and their target parts
            return [self._item(s, t) for s, t in zip(samples, targets)]
        return [self._item(s, int(t)) for s, t in zip(samples, targets)]


class UnitSampler(Sampler[int]):
    """Every position of ``data`` once per epoch, in a shuffled order of units of shared work.

    Seeded by (``seed``, epoch) with numpy's PCG64, so the order is the same on every machine; call
    ``set_epoch`` each epoch. With ``world_size`` ranks (as ``DistributedSampler``), rank ``r`` takes
    the r-th contiguous slice of the epoch's order: the ranks' samples are disjoint and together every
    sample, once (their lengths differ by at most one).
    """

    def __init__(
        self,
        data: FdslDataset,
        seed: int = 0,
        rank: int = 0,
        world_size: int = 1,
        shuffle: bool = True,
        window: int = 1,
    ) -> None:
        if not 0 <= rank < world_size:
            raise ValueError(f"rank must be in [0, world_size), not {rank} of {world_size}")
        if window < 1:
            raise ValueError(f"window must be at least 1, not {window}")
        units = data.dataset.units()[data.indices]
        order = np.argsort(units, kind="stable")
        starts = np.flatnonzero(np.r_[True, units[order][1:] != units[order][:-1]])
        self.groups = np.split(order, starts[1:])
        self.seed, self.rank, self.world_size, self.shuffle, self.window = (
            seed,
            rank,
            world_size,
            shuffle,
            window,
        )
        self.epoch = 0
        self.total = len(data)

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def order(self) -> np.ndarray:
        """The whole epoch's order, before it is cut between ranks."""
        rng = np.random.Generator(np.random.PCG64([self.seed, self.epoch]))
        groups = [self.groups[i] for i in rng.permutation(len(self.groups))] if self.shuffle else self.groups
        if self.window > 1:
            windows = [
                np.concatenate(groups[k : k + self.window]) for k in range(0, len(groups), self.window)
            ]
            groups = [rng.permutation(w) if self.shuffle else w for w in windows]
        return np.concatenate(groups) if groups else np.zeros(0, dtype=np.int64)

    def _slice(self) -> slice:
        n = self.total
        return slice(self.rank * n // self.world_size, (self.rank + 1) * n // self.world_size)

    def __iter__(self) -> Iterator[int]:
        return iter(int(i) for i in self.order()[self._slice()])

    def __len__(self) -> int:
        s = self._slice()
        return s.stop - s.start
