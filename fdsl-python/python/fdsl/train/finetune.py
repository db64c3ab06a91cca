"""Fine-tune a pre-trained checkpoint (or a network from scratch) on labelled images, and report top-1
on the test split.

    python -m fdsl.train.finetune --checkpoint runs/fdb1k/checkpoint.pt --data cifar10 --out runs/ft
    python -m fdsl.train.finetune --model resnet18 --data fashion-mnist --per-class 20 --out runs/scratch

``--data``: ``fashion-mnist`` (Debian's dataset-fashion-mnist), ``textures`` (scikit-image's brick, grass
and gravel photographs in patches: train from the left halves, test from the right), ``cifar10`` /
``cifar100`` (torchvision, downloaded into ``--data-root``), or a folder with ``train/`` and ``val/``
(or ``test/``) ImageFolders. The classifier is replaced for the target's classes; every other weight
starts from the checkpoint. Defaults are the FractalDB reference's fine-tuning (``finetuning/args.py``:
SGD, lr 0.01, momentum 0.9, weight decay 1e-4, batch 256) with a cosine schedule.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset, Subset

from . import cli, natural
from .augment import to_input
from .data import ArrayDataset, folder
from .loop import Distributed, load_checkpoint, train
from .models import create_model, load_backbone

__all__ = ["main", "target", "top1"]

PROGRAM = "python -m fdsl.train.finetune"


def _cifar(name: str, root: str, train: bool) -> ArrayDataset:
    from torchvision import datasets

    try:
        inner = (datasets.CIFAR10 if name == "cifar10" else datasets.CIFAR100)(
            root, train=train, download=True
        )
    except OSError as error:  # offline: urllib's URLError, or a folder that cannot be written
        reason = getattr(error, "reason", None) or error.strerror or error
        raise FileNotFoundError(
            f"{name} is not in {root} and cannot be downloaded there ({reason}): download it on a machine "
            "that can (torchvision's datasets.CIFAR10/CIFAR100 with download=True), copy that folder, and "
            "give it as --data-root"
        ) from None
    return ArrayDataset(np.asarray(inner.data), np.asarray(inner.targets))


def target(
    name: str, root: str | None, per_class: int, seed: int, size: int, patch: int = 32
) -> tuple[Dataset, Dataset, int]:
    """(train, test, classes) of target ``name``: the train split cut to ``per_class`` images of each
    class (0: all), drawn by ``seed``; images of a folder resized to ``size``."""
    if name == "fashion-mnist":
        train_images, train_labels = natural.fashion_mnist("train", root or natural.FASHION_MNIST_ROOT)
        keep = natural.per_class(train_labels, per_class, seed)
        return (
            ArrayDataset(train_images[keep], train_labels[keep]),
            ArrayDataset(*natural.fashion_mnist("test", root or natural.FASHION_MNIST_ROOT)),
            10,
        )
    if name == "textures":
        train_set = ArrayDataset(*natural.texture_patches("train", patch, per_class or 128, seed))
        return train_set, ArrayDataset(*natural.texture_patches("test", patch)), len(natural.TEXTURES)
    if name in ("cifar10", "cifar100"):
        base = root or os.path.join(os.path.expanduser("~"), ".cache", "torchvision")
        train_set, test_set = _cifar(name, base, True), _cifar(name, base, False)
        keep = natural.per_class(train_set.labels.numpy(), per_class, seed)
        return (
            ArrayDataset(train_set.images[keep].permute(0, 2, 3, 1), train_set.labels[keep]),
            test_set,
            train_set.num_classes,
        )
    test_dir = next(
        (os.path.join(name, s) for s in ("val", "test") if os.path.isdir(os.path.join(name, s))), None
    )
    if not os.path.isdir(os.path.join(name, "train")) or test_dir is None:
        raise FileNotFoundError(
            f"no data {name!r}: fashion-mnist, textures, cifar10, cifar100, or a folder with train/ and val/ (or test/)"
        )
    train_folder, test_folder = folder(os.path.join(name, "train"), size), folder(test_dir, size)
    labels = np.asarray(train_folder.inner.targets)
    return (
        Subset(train_folder, natural.per_class(labels, per_class, seed).tolist()),
        test_folder,
        train_folder.num_classes,
    )


@torch.no_grad()
def top1(model: nn.Module, data: Dataset, size: int, device: torch.device, workers: int = 0) -> float:
    """Percentage of ``data`` whose highest logit is its label (whole images resized to ``size``)."""
    correct = total = 0
    for images, labels in DataLoader(data, batch_size=500, num_workers=workers):
        predictions = model(to_input(images.to(device), size)).argmax(1).cpu()
        correct += int((predictions == labels).sum())
        total += len(labels)
    return 100.0 * correct / max(1, total)


def parser() -> argparse.ArgumentParser:
    p = cli.Parser(PROGRAM, __doc__)
    p.add_argument("--checkpoint", help="a pre-training's checkpoint.pt (omit to train from scratch)")
    p.add_argument("--data", required=True, help="fashion-mnist, textures, cifar10, cifar100 or a folder")
    p.add_argument(
        "--data-root",
        help=f"Fashion-MNIST's IDX folder (default: {natural.FASHION_MNIST_ROOT}), or where CIFAR is "
        "downloaded (default: ~/.cache/torchvision)",
    )
    p.add_argument(
        "--per-class", type=cli.at_least(0), default=0, help="labelled training images per class (0: all)"
    )
    p.add_argument("--data-seed", type=cli.at_least(0), help="draws the --per-class images (default: --seed)")
    p.add_argument("--patch", type=cli.at_least(1), default=32, help="texture patch side, px")
    p.add_argument(
        "--eval-at", default="", help="epochs after which to test, comma-separated (default: every one)"
    )
    cli.add_recipe_arguments(p, lr=0.01, epochs=90)
    return p


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Returns the last epoch's log record (its ``top1`` is the test accuracy, %)."""
    args = parser().parse_args(argv)
    pretrained = load_checkpoint(args.checkpoint) if args.checkpoint else None
    name = args.model or (pretrained["recipe"]["model"] if pretrained else None)
    if name is None:
        cli.fail("--model is needed without --checkpoint")
    if pretrained and name != pretrained["recipe"]["model"]:
        cli.fail(f"the checkpoint is a {pretrained['recipe']['model']}, not a {name}")
    recipe = cli.recipe(args, name)
    eval_at = cli.numbers(args.eval_at, int, "--eval-at") or None
    dist = Distributed.from_environment(args.device)
    if args.deterministic:
        torch.use_deterministic_algorithms(True)
    data_seed = args.seed if args.data_seed is None else args.data_seed
    train_set, test_set, classes = target(
        args.data, args.data_root, args.per_class, data_seed, args.load_size or args.image_size, args.patch
    )
    torch.manual_seed(args.seed)  # the new classifier's (and, from scratch, every layer's) initialisation
    model = create_model(name, classes)
    if pretrained:
        load_backbone(model, classes, pretrained["model"], pretrained["num_classes"])
    last: dict[str, Any] = {}

    def evaluate(m: nn.Module) -> dict[str, float]:
        last["top1"] = top1(m, test_set, recipe.image_size, dist.device, args.workers)
        return {"top1": last["top1"]}

    train(
        model,
        train_set,
        recipe,
        args.out,
        dist,
        num_classes=classes,
        workers=args.workers,
        amp=args.amp,
        stop_after=args.stop_after,
        evaluate=evaluate,
        eval_epochs=eval_at,
        progress=not args.quiet,
        extra={"pretrained": args.checkpoint or "", "data": args.data, "per_class": args.per_class},
    )
    return last


if __name__ == "__main__":
    cli.guarded(PROGRAM, main)
