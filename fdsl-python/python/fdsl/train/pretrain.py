"""Pre-train a network on an fdsl dataset, rendered on the fly (any preset and overrides) or read from
a rendered folder.

    python -m fdsl.train.pretrain --preset fractaldb-1k --model resnet50 --out runs/fdb1k
    torchrun --nproc-per-node 8 -m fdsl.train.pretrain --preset fractaldb-1k --set categories=100 ...

Defaults are the FractalDB reference's (``pretraining/args.py``: SGD, lr 0.1, momentum 0.9, weight
decay 1e-4, batch 256, 90 epochs) with a cosine schedule in place of its steps at 30 and 60 (``--schedule
step --milestones 30,60`` gives those). The network sees 3 channels, grey images repeated.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import torch
from torch import nn

from . import cli
from .data import ArrayDataset, InstanceLabels, Repeated, fdsl_source, folder, to_memory
from .loop import Distributed, train
from .models import create_model

__all__ = ["main"]

PROGRAM = "python -m fdsl.train.pretrain"


def parser() -> argparse.ArgumentParser:
    p = cli.Parser(PROGRAM, __doc__)
    p.add_argument("--preset", help="an fdsl preset, rendered on the fly (default: fractaldb-1k)")
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="an override of the preset, e.g. categories=100",
    )
    p.add_argument(
        "--data-seed", type=cli.at_least(0), default=0, help="the dataset's seed (fdsl render --seed)"
    )
    p.add_argument("--folder", help="a rendered folder (ImageFolder: DIR/CLASS/IMAGE) instead of --preset")
    p.add_argument(
        "--labels",
        default="class",
        help="class, or instance: each image its own class (exemplars; what one-class presets need)",
    )
    p.add_argument("--cache", action="store_true", help="read the dataset once into memory at --load-size")
    p.add_argument("--repeat", type=cli.at_least(1), default=1, help="each image this many times per epoch")
    p.add_argument(
        "--window",
        type=cli.at_least(1),
        default=1,
        help="units of shared work mixed in a batch (fdsl.torch.UnitSampler)",
    )
    p.add_argument(
        "--record-samples", action="store_true", help="write each rank's sample positions per epoch"
    )
    cli.add_recipe_arguments(p, lr=0.1, epochs=90)
    p.set_defaults(model="resnet50")
    return p


def one_class(source: str) -> str:
    """Why a one-class source cannot be a classification source, and the remedy."""
    return (
        f"{source} has one class: classifying into one class learns nothing (the loss is 0 from the first "
        "step); pre-train on it with --labels instance (each image its own class, shown --repeat R times "
        "per epoch), e.g. --labels instance --set instances=1000 --repeat 50"
    )


def main(argv: Sequence[str] | None = None) -> nn.Module:
    args = parser().parse_args(argv)
    if args.folder and (args.preset or args.set):
        cli.fail("--folder replaces --preset and --set: give one source")
    if args.labels not in ("class", "instance"):
        cli.fail(f"--labels is class or instance, not {args.labels!r}")
    recipe = cli.recipe(args, args.model)
    dist = Distributed.from_environment(args.device)
    if args.deterministic:
        torch.use_deterministic_algorithms(True)
    if args.folder:
        data = folder(args.folder, args.load_size or args.image_size)
        num_classes, source = data.num_classes, {"folder": args.folder}
    else:
        preset = args.preset or "fractaldb-1k"
        overrides = cli.overrides(args.set)
        try:
            data = fdsl_source(preset, overrides, args.data_seed, args.load_size)
        except ValueError as error:
            cli.fail(f"preset {preset!r}: {error}")
        num_classes = len(data.dataset.classes)
        source = {"preset": preset, "overrides": overrides, "seed": args.data_seed}
    if args.labels == "class" and num_classes < 2:
        cli.fail(one_class(f"--folder {args.folder}" if args.folder else f"preset {preset!r}"))
    if args.cache:
        data = to_memory(data, workers=args.workers)
    if args.labels == "instance":
        num_classes = len(data)
        data = (
            ArrayDataset(data.images.permute(0, 2, 3, 1), torch.arange(len(data)))
            if args.cache
            else InstanceLabels(data)
        )
    if args.repeat != 1:
        data = Repeated(data, args.repeat)
    torch.manual_seed(args.seed)  # the initialisation: the same network for every dataset of one seed
    model = create_model(args.model, num_classes)
    return train(
        model,
        data,
        recipe,
        args.out,
        dist,
        num_classes=num_classes,
        workers=args.workers,
        window=args.window,
        amp=args.amp,
        stop_after=args.stop_after,
        record_samples=args.record_samples,
        progress=not args.quiet,
        extra={"source": source, "labels": args.labels},
    )


if __name__ == "__main__":
    cli.guarded(PROGRAM, main)
