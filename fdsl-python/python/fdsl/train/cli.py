"""The command-line arguments pre-training and fine-tuning share, and how their errors end a run:
one line on stderr, exit status 2."""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from .loop import Recipe

__all__ = [
    "Parser",
    "add_recipe_arguments",
    "at_least",
    "fail",
    "fraction",
    "guarded",
    "overrides",
    "positive",
    "recipe",
]


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """The module's docstring as written, and every option's default after its help."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if (
            "%(default)" in text
            or action.required
            or action.default in (None, False, argparse.SUPPRESS)
            or not action.option_strings
        ):
            return text
        return text + " (default: %(default)s)"


class Parser(argparse.ArgumentParser):
    """The commands' argument parser: ``--help`` gives every option's default, and a bad argument
    ends the process with one line ``PROG: error: ...`` and exit status 2 (as every other error)."""

    def __init__(self, prog: str, description: str | None) -> None:
        super().__init__(prog=prog, description=description, formatter_class=_Formatter)

    def error(self, message: str) -> NoReturn:
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        sys.exit(2)


def _number(text: str, kind: Callable[[str], Any]) -> Any:
    try:
        value = kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected {'a whole number' if kind is int else 'a number'}, not {text!r}"
        ) from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, not {text!r}")
    return value


def at_least(low: float, kind: Callable[[str], Any] = int) -> Callable[[str], Any]:
    """An argparse type: a number of ``kind`` no less than ``low``."""

    def parse(text: str) -> Any:
        value = _number(text, kind)
        if value < low:
            raise argparse.ArgumentTypeError(f"must be at least {low}, not {text}")
        return value

    parse.__name__ = "number"
    return parse


def positive(text: str) -> float:
    """An argparse type: a finite number above 0."""
    value = _number(text, float)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be above 0, not {text}")
    return value


def fraction(text: str) -> float:
    """An argparse type: a number from 0 to 1."""
    value = _number(text, float)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"must be from 0 to 1, not {text}")
    return value


def add_recipe_arguments(parser: argparse.ArgumentParser, lr: float, epochs: int) -> None:
    """The hyper-parameters of :class:`fdsl.train.loop.Recipe` and how the run is carried out."""
    parser.add_argument("--model", help="a timm or torchvision model name (random initialisation)")
    parser.add_argument("--epochs", type=at_least(1), default=epochs, help="passes over the data")
    parser.add_argument("--batch-size", type=at_least(1), default=256, help="per process (rank)")
    parser.add_argument("--image-size", type=at_least(1), default=224, help="the network's input side, px")
    parser.add_argument(
        "--load-size",
        type=at_least(1),
        help="images are resized to this side by the loader (default: as they come)",
    )
    parser.add_argument("--optimizer", default="sgd", help="sgd or adamw")
    parser.add_argument("--lr", type=positive, default=lr, help="the peak learning rate")
    parser.add_argument("--momentum", type=fraction, default=0.9, help="SGD's momentum")
    parser.add_argument("--weight-decay", type=at_least(0, float), default=1e-4, help="L2 weight decay")
    parser.add_argument(
        "--schedule",
        default="cosine",
        help="cosine (to --min-lr) or step (x --gamma at each of --milestones)",
    )
    parser.add_argument(
        "--warmup-epochs", type=at_least(0, float), default=0.0, help="linear warm-up from 0, in epochs"
    )
    parser.add_argument("--milestones", default="", help="epochs, comma-separated (step schedule)")
    parser.add_argument("--gamma", type=positive, default=0.1, help="the step schedule's factor")
    parser.add_argument(
        "--min-lr", type=at_least(0, float), default=0.0, help="the cosine schedule's last learning rate"
    )
    parser.add_argument("--label-smoothing", type=fraction, default=0.0, help="cross-entropy label smoothing")
    parser.add_argument(
        "--crop-scale", default="0.35,1", help="random resized crop: area fraction range LO,HI"
    )
    parser.add_argument("--flip", type=fraction, default=0.5, help="probability of a left-right flip")
    parser.add_argument("--seed", type=at_least(0), default=0, help="order, augmentation and initialisation")
    parser.add_argument(
        "--out", required=True, help="folder of checkpoint.pt and log.jsonl; a run resumes from it"
    )
    parser.add_argument("--workers", type=at_least(0), default=4, help="loader worker processes per rank")
    parser.add_argument("--device", default="auto", help="auto, cpu or cuda")
    parser.add_argument(
        "--amp", action=argparse.BooleanOptionalAction, default=True, help="mixed precision on CUDA"
    )
    parser.add_argument(
        "--deterministic", action="store_true", help="torch.use_deterministic_algorithms(True)"
    )
    parser.add_argument(
        "--stop-after", type=at_least(1), help="stop after this many steps in all, with a checkpoint"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress line")


def numbers(text: str, kind: Callable[[str], Any], what: str) -> tuple[Any, ...]:
    try:
        return tuple(kind(v) for v in text.split(",") if v.strip())
    except ValueError:
        fail(f"{what} must be comma-separated numbers, not {text!r}")


def recipe(args: argparse.Namespace, model: str) -> Recipe:
    """The recipe of parsed arguments (checked: ``ValueError`` naming a bad value)."""
    scale = numbers(args.crop_scale, float, "--crop-scale")
    if len(scale) != 2:
        fail(f"--crop-scale is LO,HI, not {args.crop_scale!r}")
    made = Recipe(
        model=model,
        epochs=args.epochs,
        batch_size=args.batch_size,
        image_size=args.image_size,
        optimizer=args.optimizer,
        lr=args.lr,
        momentum=args.momentum,
        weight_decay=args.weight_decay,
        schedule=args.schedule,
        warmup_epochs=args.warmup_epochs,
        milestones=numbers(args.milestones, int, "--milestones"),
        gamma=args.gamma,
        min_lr=args.min_lr,
        label_smoothing=args.label_smoothing,
        crop_scale=(scale[0], scale[1]),
        flip=args.flip,
        seed=args.seed,
    )
    made.check()
    return made


def overrides(items: Sequence[str]) -> dict[str, Any]:
    """``KEY=VALUE`` pairs (``fdsl render``'s overrides with ``_`` for ``-``); a value is read as JSON
    when it parses (numbers, true/false), else kept as text."""
    result: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            fail(f"--set takes KEY=VALUE, not {item!r}")
        try:
            result[key.replace("-", "_")] = json.loads(value)
        except json.JSONDecodeError:
            result[key.replace("-", "_")] = value
    return result


class UsageError(Exception):
    """A bad argument or input, reported as one line."""


def fail(message: str) -> NoReturn:
    raise UsageError(message)


def guarded(
    program: str, main: Callable[[Sequence[str] | None], Any], argv: Sequence[str] | None = None
) -> Any:
    """Run ``main(argv)``; a bad argument, a missing or unreadable file (``OSError``: a download that
    cannot be made too), a bad value or a missing package ends the process with one line ``program:
    error: ...`` on stderr and exit status 2."""
    try:
        return main(argv)
    except (UsageError, ValueError, OSError, ImportError) as error:
        text = " ".join(str(error).split()) or type(error).__name__
        print(f"{program}: error: {text}", file=sys.stderr)
        sys.exit(2)
