"""What the trainer reads: datasets of uint8 images of one size (``C x H x W`` tensors) and their
labels, from fdsl on the fly, from an image folder, from memory; and each rank's share of an epoch.

Every source gives images of one size so that batches stack; the random augmentation is done later,
on the batch (:mod:`fdsl.train.augment`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

import fdsl
import fdsl.torch

__all__ = [
    "ArrayDataset",
    "InstanceLabels",
    "Positions",
    "Repeated",
    "Resize",
    "fdsl_source",
    "folder",
    "rank_order",
    "to_memory",
]


class Resize:
    """uint8 ``C x H x W`` tensor to ``C x size x size`` (bilinear, antialiased, rounded back to uint8);
    ``None`` keeps the image. Picklable, for loader workers."""

    def __init__(self, size: int | None) -> None:
        self.size = size

    def __call__(self, image: torch.Tensor) -> torch.Tensor:
        if self.size is None or image.shape[-2:] == (self.size, self.size):
            return image
        x = F.interpolate(image[None].float(), size=(self.size, self.size), mode="bilinear", antialias=True)
        return x[0].round_().clamp_(0, 255).to(torch.uint8)


class ArrayDataset(Dataset):
    """Images held in memory: uint8 ``N x H x W`` (grey) or ``N x H x W x C``, with int labels."""

    def __init__(self, images: np.ndarray | torch.Tensor, labels: np.ndarray | torch.Tensor) -> None:
        images = torch.as_tensor(images)
        if images.dtype != torch.uint8 or images.ndim not in (3, 4):
            raise ValueError(
                f"images must be uint8 N x H x W (x C), not {images.dtype} {tuple(images.shape)}"
            )
        self.images = images[:, None] if images.ndim == 3 else images.permute(0, 3, 1, 2)
        self.labels = torch.as_tensor(labels, dtype=torch.int64)
        if len(self.labels) != len(self.images):
            raise ValueError(f"{len(self.images)} images but {len(self.labels)} labels")

    def __len__(self) -> int:
        return len(self.images)

    def __getitem__(self, position: int) -> tuple[torch.Tensor, int]:
        return self.images[position], int(self.labels[position])

    @property
    def num_classes(self) -> int:
        return int(self.labels.max()) + 1 if len(self.labels) else 0


class InstanceLabels(Dataset):
    """Each sample its own class (label = position): exemplar pre-training on a one-class dataset
    (dead leaves), where the class is an image and its instances are the augmentations of it."""

    def __init__(self, data: Any) -> None:
        self.data = data

    def __len__(self) -> int:
        return len(self.data)

    def __getitem__(self, position: int) -> tuple[Any, int]:
        return self.data[position][0], position

    def __getitems__(self, positions: Sequence[int]) -> list[tuple[Any, int]]:
        many = getattr(self.data, "__getitems__", None)  # an fdsl batch renders its units once
        items = many(positions) if many is not None else [self.data[p] for p in positions]
        return [(item, p) for (item, _), p in zip(items, positions)]


class Repeated(Dataset):
    """Each sample of ``data`` ``times`` times (position ``p`` is sample ``p mod len(data)``): more
    augmented views of few images per epoch."""

    def __init__(self, data: Any, times: int) -> None:
        if times < 1:
            raise ValueError(f"repeat must be at least 1, not {times}")
        self.data, self.times = data, times

    def __len__(self) -> int:
        return len(self.data) * self.times

    def __getitem__(self, position: int) -> Any:
        return self.data[position % len(self.data)]


def fdsl_source(
    preset: str, overrides: dict[str, Any], seed: int, load_size: int | None
) -> fdsl.torch.FdslDataset:
    """The dataset of ``preset`` and ``overrides`` (those of ``fdsl render``), rendered on the fly,
    each image resized to ``load_size``; ``ValueError`` with fdsl's message for a bad spec."""
    dataset = fdsl.Dataset(preset, seed=seed, **overrides)
    if dataset.dtype != np.uint8:
        raise ValueError(f"{preset} makes point clouds or scenes, not images")
    if dataset.target_part is not None:
        raise ValueError(
            f"{preset} makes images with segmentation masks, not classes: pre-train a segmentation model"
        )
    return fdsl.torch.FdslDataset(dataset, split="train", transform=Resize(load_size), pil=False)


class _Folder(Dataset):
    """An ImageFolder whose images come as uint8 tensors of one size (RGB, or grey with ``grey``)."""

    def __init__(self, root: str, size: int, grey: bool) -> None:
        from torchvision import datasets, transforms

        self.inner = datasets.ImageFolder(
            root,
            transform=transforms.Compose(
                [
                    transforms.Grayscale() if grey else transforms.Lambda(_rgb),
                    transforms.Resize(size),
                    transforms.CenterCrop(size),
                    transforms.PILToTensor(),
                ]
            ),
        )
        self.num_classes = len(self.inner.classes)

    def __len__(self) -> int:
        return len(self.inner)

    def __getitem__(self, position: int) -> tuple[torch.Tensor, int]:
        return self.inner[position]


def _rgb(image: Any) -> Any:
    return image.convert("RGB")


def folder(root: str | os.PathLike[str], size: int, grey: bool = False) -> _Folder:
    """A ``torchvision.datasets.ImageFolder`` (``root/CLASS/IMAGE``), each image resized (shorter side)
    and centre-cropped to ``size``; a clear ``FileNotFoundError`` when ``root`` is not a folder of
    class folders."""
    root = os.fspath(root)
    if not os.path.isdir(root):
        raise FileNotFoundError(f"no data folder {root}")
    try:
        return _Folder(root, size, grey)
    except FileNotFoundError as error:  # ImageFolder: no class folder, or no image in them
        raise FileNotFoundError(f"{root}: {error}") from error


def to_memory(data: Dataset, workers: int = 0, batch_size: int = 256) -> ArrayDataset:
    """Every sample of ``data`` (uint8 tensors of one size) read once into an :class:`ArrayDataset`,
    in order (an fdsl source in its units' order: each unit's work done once)."""
    order: Sequence[int] = range(len(data))
    if isinstance(data, fdsl.torch.FdslDataset):
        order = fdsl.torch.UnitSampler(data, shuffle=False).order().tolist()
    loader = DataLoader(data, batch_size=batch_size, sampler=order, num_workers=workers)
    images, labels = zip(*loader) if len(data) else ((), ())
    restore = torch.empty(len(data), dtype=torch.int64)
    restore[torch.as_tensor(list(order), dtype=torch.int64)] = torch.arange(len(data))
    stacked = torch.cat(images)[restore]
    return ArrayDataset(
        stacked[:, 0] if stacked.shape[1] == 1 else stacked.permute(0, 2, 3, 1), torch.cat(labels)[restore]
    )


def rank_order(
    data: Dataset, seed: int, epoch: int, rank: int, world_size: int, window: int = 1
) -> list[int]:
    """This rank's positions of ``data`` in epoch ``epoch``: the epoch shuffled by (``seed``, ``epoch``)
    and cut into ``world_size`` contiguous slices, as :class:`fdsl.torch.UnitSampler` does (which serves
    an fdsl source: whole units, ``window`` units mixed); anything else is shuffled sample by sample
    (numpy PCG64). The ranks' positions are disjoint and together every position once."""
    inner = data.data if isinstance(data, InstanceLabels) else data
    if isinstance(inner, fdsl.torch.FdslDataset):
        sampler = fdsl.torch.UnitSampler(inner, seed=seed, rank=rank, world_size=world_size, window=window)
        sampler.set_epoch(epoch)
        return list(sampler)
    n = len(data)
    order = np.random.Generator(np.random.PCG64([seed, epoch])).permutation(n)
    return order[rank * n // world_size : (rank + 1) * n // world_size].tolist()


class Positions:
    """A sampler over a list that the trainer replaces each epoch (one DataLoader, persistent workers)."""

    def __init__(self) -> None:
        self.items: list[int] = []

    def __iter__(self) -> Iterator[int]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)
