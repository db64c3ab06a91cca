"""The papers' comparison in miniature: one small network pre-trained with the same hyper-parameters on
each formula-driven dataset, and not at all, then fine-tuned on few labelled natural images.

    python -m fdsl.train.miniature --out runs/miniature

Pre-training: C classes x I instances of FractalDB-1k (its first C classes), Perlin-100, Bezier-144,
RCDB-1k and VisualAtom-1k (their first C), each rendered once by fdsl at its preset's own size and
resized to ``--image-size`` (antialiased); dead leaves (mixed), a dataset of one class, as C exemplar
classes (C images, each its own class, seen I times per epoch under fresh augmentations: OFDB's way).
Fine-tuning: Fashion-MNIST (``--per-class`` labelled images per class, the 10,000 test images) and the
texture patches (``--texture-per-class`` per class from the photographs' left halves, 128 per class from
their right halves), each with ``--seeds`` seeds (the seed draws the labelled images and the new
classifier; every pre-training of a seed gets the same). Every pre-training: the same initialisation
(seed 0), SGD lr 0.1, momentum 0.9, weight decay 5e-4, batches of 128, one warm-up epoch then cosine;
every fine-tuning: SGD lr 0.02, weight decay 5e-4, batches of 32, cosine; both with random resized
crops (area 0.35 to 1) and left-right flips. The defaults took 36 minutes (919 CPU-seconds) on this
project's 2-core machine shared with other work (BENCHMARKS.md). Writes ``OUT/table.md`` and
``OUT/results.json``; each run keeps its folder, so the command resumes where it was stopped.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import torch

from . import cli, finetune, natural, pretrain

__all__ = ["DATASETS", "main"]

DATASETS: dict[str, tuple[str, str, str]] = {
    # name: (preset, how many classes come from --classes, labels)
    "FractalDB-1k": ("fractaldb-1k", "categories", "class"),
    "Perlin-100": ("perlin-100", "categories", "class"),
    "Bezier-144": ("bezier-144", "categories", "class"),
    "RCDB-1k": ("rcdb-1k", "categories", "class"),
    "VisualAtom-1k": ("visualatom-1k", "categories", "class"),
    "dead leaves (mixed)": ("dead-leaves-mixed", "instances", "instance"),
}
"""The pre-training datasets; "scratch" (no pre-training) is the table's first row."""


TARGETS = {"fashion-mnist": "Fashion-MNIST", "textures": "textures"}


def _row(args: argparse.Namespace, name: str) -> dict[str, Any]:
    """One row: the pre-training of ``name`` (none for "scratch") and its fine-tunings, in a process
    of its own (``--threads`` torch threads)."""
    torch.set_num_threads(args.threads)
    clock, cpu = time.perf_counter(), time.process_time()
    checkpoint: str | None = None
    row: dict[str, Any] = {}
    if name != "scratch":
        folder = os.path.join(args.out, "pretrain", DATASETS[name][0])
        _pretrain(args, name, folder)
        checkpoint = os.path.join(folder, "checkpoint.pt")
        with open(os.path.join(folder, "log.jsonl")) as f:
            pretraining = [json.loads(line) for line in f]
        row["pretrain_loss"] = [pretraining[0]["loss"], pretraining[-1]["loss"]]
    early = [int(e) for e in args.early.split(",") if e]
    for target in TARGETS:
        logs = [
            _finetune(
                args,
                checkpoint,
                target,
                seed,
                os.path.join(args.out, "finetune", f"{_slug(name)}-{target}-s{seed}"),
            )
            for seed in range(args.seeds)
        ]
        row[target] = {
            "final": [log[-1]["top1"] for log in logs],
            **{
                f"epoch {e}": [next(r["top1"] for r in log if r["epoch"] == e) for log in logs] for e in early
            },
        }
    row["seconds"], row["cpu_seconds"] = time.perf_counter() - clock, time.process_time() - cpu
    return row


def _slug(name: str) -> str:
    return DATASETS[name][0] if name in DATASETS else name


def parser() -> argparse.ArgumentParser:
    p = cli.Parser("python -m fdsl.train.miniature", __doc__)
    whole, rate = cli.at_least(1), cli.positive
    p.add_argument("--out", required=True, help="the folder of every run, table.md and results.json")
    p.add_argument("--model", default="test_resnet", help="timm's 0.4 M-parameter ResNet by default")
    p.add_argument("--image-size", type=whole, default=32, help="the network's input side, px")
    p.add_argument("--classes", type=whole, default=100, help="C, pre-training classes of every dataset")
    p.add_argument("--instances", type=whole, default=50, help="I, images per class")
    p.add_argument("--pretrain-epochs", type=whole, default=6, help="pre-training epochs")
    p.add_argument("--pretrain-batch", type=whole, default=128, help="pre-training batch size")
    p.add_argument("--pretrain-lr", type=rate, default=0.1, help="pre-training learning rate")
    p.add_argument("--per-class", type=whole, default=20, help="labelled Fashion-MNIST images per class")
    p.add_argument("--texture-per-class", type=whole, default=32, help="labelled texture patches per class")
    p.add_argument(
        "--data-root",
        help=f"Fashion-MNIST's IDX folder (default: {natural.FASHION_MNIST_ROOT}, where "
        "apt-get install dataset-fashion-mnist puts it)",
    )
    p.add_argument("--finetune-epochs", type=whole, default=20, help="fine-tuning epochs")
    p.add_argument("--finetune-batch", type=whole, default=32, help="fine-tuning batch size")
    p.add_argument("--finetune-lr", type=rate, default=0.02, help="fine-tuning learning rate")
    p.add_argument("--early", default="2", help="fine-tuning epochs after which accuracy is also reported")
    p.add_argument("--seeds", type=whole, default=3, help="fine-tuning seeds of every row")
    p.add_argument(
        "--datasets",
        default=",".join(DATASETS),
        help="a subset of the pre-training datasets, comma-separated",
    )
    p.add_argument("--workers", type=cli.at_least(0), default=0, help="loader workers per run")
    p.add_argument(
        "--jobs", type=whole, default=2, help="rows (a pre-training and its fine-tunings) run at once"
    )
    p.add_argument("--threads", type=whole, default=1, help="torch threads per job")
    return p


def _check_targets(args: argparse.Namespace) -> None:
    """Read the fine-tuning data once before any training: missing data ends the run at once."""
    natural.fashion_mnist("test", args.data_root or natural.FASHION_MNIST_ROOT)
    natural.fashion_mnist("train", args.data_root or natural.FASHION_MNIST_ROOT)
    natural.texture_patches("test")


def _pretrain(args: argparse.Namespace, name: str, out: str) -> None:
    preset, count, labels = DATASETS[name]
    sizes = {"categories": args.classes, "instances": args.instances}
    repeat = 1
    if count == "instances":  # one class: C images, each seen I times per epoch
        sizes, repeat = {"instances": args.classes}, args.instances
    argv = [
        "--preset", preset, "--model", args.model, "--labels", labels, "--cache", "--repeat", str(repeat),
        "--image-size", str(args.image_size), "--load-size", str(args.image_size),
        "--epochs", str(args.pretrain_epochs), "--batch-size", str(args.pretrain_batch), "--lr", str(args.pretrain_lr),
        "--warmup-epochs", "1", "--weight-decay", "5e-4", "--workers", str(args.workers), "--out", out, "--quiet",
    ]  # fmt: skip
    for key, value in sizes.items():
        argv += ["--set", f"{key}={value}"]
    pretrain.main(argv)


def _finetune(
    args: argparse.Namespace, checkpoint: str | None, target: str, seed: int, out: str
) -> list[dict[str, Any]]:
    argv = [
        "--data", target, "--model", args.model, "--seed", str(seed),
        "--per-class", str(args.per_class if target == "fashion-mnist" else args.texture_per_class),
        "--image-size", str(args.image_size), "--epochs", str(args.finetune_epochs),
        "--batch-size", str(args.finetune_batch), "--lr", str(args.finetune_lr), "--weight-decay", "5e-4",
        "--eval-at", args.early, "--workers", str(args.workers), "--out", out, "--quiet",
    ]  # fmt: skip
    if checkpoint:
        argv += ["--checkpoint", checkpoint]
    if args.data_root and target == "fashion-mnist":
        argv += ["--data-root", args.data_root]
    finetune.main(argv)
    with open(os.path.join(out, "log.jsonl")) as f:
        return [json.loads(line) for line in f]


def _cell(values: Sequence[float]) -> str:
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{statistics.mean(values):.1f} ± {sd:.1f}"


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    args = parser().parse_args(argv)
    chosen = [d.strip() for d in args.datasets.split(",") if d.strip()]
    unknown = [d for d in chosen if d not in DATASETS]
    if unknown:
        cli.fail(f"unknown dataset {unknown[0]!r} (one of: {', '.join(DATASETS)})")
    early = list(cli.numbers(args.early, int, "--early"))
    if any(not 1 <= e <= args.finetune_epochs for e in early):
        cli.fail(
            f"--early takes epochs from 1 to --finetune-epochs ({args.finetune_epochs}), not {args.early!r}"
        )
    _check_targets(args)
    results: dict[str, Any] = {"settings": vars(args), "rows": {}}
    started = time.perf_counter()
    names = ["scratch", *chosen]
    with ProcessPoolExecutor(args.jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        rows = pool.map(_row, [args] * len(names), names)
        for name, row in zip(names, rows):
            results["rows"][name] = row
            print(
                f"{name}: " + "; ".join(f"{TARGETS[t]} {_cell(row[t]['final'])}" for t in TARGETS), flush=True
            )
    results["wall_seconds"] = time.perf_counter() - started
    results["cpu_seconds"] = sum(row["cpu_seconds"] for row in results["rows"].values())
    header = (
        "| pre-training | "
        + " | ".join(f"{TARGETS[t]} top-1 (epoch {e})" for t in TARGETS for e in early)
        + " | "
        + " | ".join(f"{TARGETS[t]} top-1 (final)" for t in TARGETS)
        + " |"
    )
    lines = [header, "| --- |" + " ---: |" * (len(TARGETS) * (len(early) + 1))]
    for name, row in results["rows"].items():
        cells = [_cell(row[t][f"epoch {e}"]) for t in TARGETS for e in early] + [
            _cell(row[t]["final"]) for t in TARGETS
        ]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    table = "\n".join(lines)
    with open(os.path.join(args.out, "table.md"), "w") as f:
        f.write(table + "\n")
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
    print(table)
    print(f"wall {results['wall_seconds']:.0f} s, CPU (all jobs) {results['cpu_seconds']:.0f} s")
    return results


if __name__ == "__main__":
    cli.guarded("python -m fdsl.train.miniature", main)
