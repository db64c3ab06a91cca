"""Augmentation of whole batches on the training device, seeded by the caller's generator.

The loader only decodes and brings every image to one size (uint8 ``B x C x H x W``); the random
crops and flips are drawn here, per batch, from a ``torch.Generator`` the trainer seeds with
(seed, epoch, step, rank). So the augmentations do not depend on the number of loader workers, a
resumed run draws exactly what an uninterrupted one would, and the work runs on the GPU when there is one.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

__all__ = ["MEAN", "STD", "augment", "to_input"]

MEAN, STD = 0.5, 0.5
"""Inputs are ``(x / 255 - MEAN) / STD`` in every channel (grey images are repeated to 3 channels)."""


def _normalise(images: torch.Tensor) -> torch.Tensor:
    x = images.float().div_(255.0).sub_(MEAN).div_(STD)
    return x.expand(-1, 3, -1, -1) if x.shape[1] == 1 else x


def to_input(images: torch.Tensor, size: int) -> torch.Tensor:
    """Evaluation: the whole uint8 image resized to ``size`` (bilinear, antialiased), normalised, 3 channels."""
    x = _normalise(images)
    if x.shape[-2:] != (size, size):
        x = F.interpolate(x, size=(size, size), mode="bilinear", antialias=True, align_corners=False)
    return x


def augment(
    images: torch.Tensor,
    size: int,
    generator: torch.Generator,
    scale: tuple[float, float] = (0.35, 1.0),
    ratio: tuple[float, float] = (3 / 4, 4 / 3),
    flip: float = 0.5,
) -> torch.Tensor:
    """Training: per image a random resized crop (as torchvision's ``RandomResizedCrop``: area fraction
    ``a ~ U(scale)``, aspect ``r`` log-uniform in ``ratio``, width ``sqrt(a r)`` and height ``sqrt(a / r)``
    of the image's, capped at 1, its place uniform) resampled to ``size`` x ``size`` (bilinear), flipped
    left-right with probability ``flip``; then normalised as :func:`to_input`.

    The draws come from ``generator`` (on the CPU) in a fixed order: area, aspect, x, y, flip, each a
    vector over the batch."""
    n = images.shape[0]

    def uniform(lo: float, hi: float) -> torch.Tensor:
        return lo + (hi - lo) * torch.rand(n, generator=generator, dtype=torch.float64)

    area = uniform(*scale)
    aspect = torch.exp(uniform(math.log(ratio[0]), math.log(ratio[1])))
    width = torch.sqrt(area * aspect).clamp(max=1.0)
    height = torch.sqrt(area / aspect).clamp(max=1.0)
    # The crop's centre in normalised coordinates [-1, 1]: the crop stays inside the image.
    cx = (1 - width) * uniform(-1.0, 1.0)
    cy = (1 - height) * uniform(-1.0, 1.0)
    mirror = torch.where(torch.rand(n, generator=generator, dtype=torch.float64) < flip, -1.0, 1.0)
    theta = torch.zeros(n, 2, 3, dtype=torch.float64)
    theta[:, 0, 0], theta[:, 0, 2] = width * mirror, cx
    theta[:, 1, 1], theta[:, 1, 2] = height, cy
    x = _normalise(images)
    grid = F.affine_grid(theta.to(x.device, torch.float32), [n, x.shape[1], size, size], align_corners=False)
    return F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)
