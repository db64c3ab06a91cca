"""The training loop shared by pre-training and fine-tuning: one recipe of hyper-parameters, SGD or
AdamW, warm-up then cosine or step schedule, mixed precision on CUDA, DDP under ``torchrun``,
checkpoints that resume to the same weights, a JSON-lines log and a progress line with images/s.

Everything random is keyed: the epoch's order by (seed, epoch) (:func:`fdsl.train.data.rank_order`),
each batch's augmentation and dropout by (seed, epoch, step, rank). The learning rate is a function
of the step. So a run stopped after any step and resumed from its checkpoint computes what the
uninterrupted run computes, with any number of loader workers.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
import torch.distributed as torch_dist
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, Dataset

from .augment import augment
from .data import Positions, rank_order

__all__ = ["Distributed", "Recipe", "learning_rate", "load_checkpoint", "train"]

CHECKPOINT = "checkpoint.pt"
LOG = "log.jsonl"


@dataclass(frozen=True)
class Recipe:
    """The hyper-parameters of one run (stored in its checkpoints; a resume must use the same)."""

    model: str
    epochs: int
    batch_size: int
    image_size: int
    optimizer: str = "sgd"
    lr: float = 0.1
    momentum: float = 0.9
    weight_decay: float = 1e-4
    schedule: str = "cosine"
    warmup_epochs: float = 0.0
    milestones: tuple[int, ...] = ()
    gamma: float = 0.1
    min_lr: float = 0.0
    label_smoothing: float = 0.0
    crop_scale: tuple[float, float] = (0.35, 1.0)
    flip: float = 0.5
    seed: int = 0

    def check(self) -> None:
        """``ValueError`` naming the first value out of range."""
        if self.optimizer not in ("sgd", "adamw"):
            raise ValueError(f"unknown optimizer {self.optimizer!r} (sgd or adamw)")
        if self.schedule not in ("cosine", "step"):
            raise ValueError(f"unknown schedule {self.schedule!r} (cosine or step)")
        for name in ("epochs", "batch_size", "image_size"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name.replace('_', '-')} must be at least 1, not {getattr(self, name)}")
        if not (self.lr > 0 and self.weight_decay >= 0 and self.warmup_epochs >= 0 and self.min_lr >= 0):
            raise ValueError("lr must be positive; weight decay, warm-up and min-lr at least 0")
        if not 0 < self.crop_scale[0] <= self.crop_scale[1] <= 1:
            raise ValueError(f"crop scale must be 0 < lo <= hi <= 1, not {self.crop_scale}")


def learning_rate(recipe: Recipe, step: int, steps_per_epoch: int) -> float:
    """The rate at ``step`` (from 0): linear warm-up from 0 over ``warmup_epochs``, then "cosine" from
    ``lr`` down to ``min_lr`` at the last step (Loshchilov & Hutter 2017, without restarts) or "step":
    ``lr`` times ``gamma`` per milestone epoch passed (the FractalDB reference's MultiStepLR)."""
    warmup = round(recipe.warmup_epochs * steps_per_epoch)
    if step < warmup:
        return recipe.lr * (step + 1) / warmup
    if recipe.schedule == "step":
        epoch = step // steps_per_epoch
        return recipe.lr * recipe.gamma ** sum(epoch >= m for m in recipe.milestones)
    total = recipe.epochs * steps_per_epoch
    progress = (step - warmup) / max(1, total - warmup)
    return recipe.min_lr + (recipe.lr - recipe.min_lr) * 0.5 * (1 + math.cos(math.pi * progress))


@dataclass
class Distributed:
    """This process's place: rank and world size from ``torchrun``'s environment (``RANK``,
    ``WORLD_SIZE``, ``LOCAL_RANK``), one process alone otherwise; the device it trains on."""

    rank: int = 0
    world_size: int = 1
    device: torch.device = dataclasses.field(default_factory=lambda: torch.device("cpu"))

    @classmethod
    def from_environment(cls, device: str = "auto") -> Distributed:
        if device not in ("auto", "cpu", "cuda"):
            raise ValueError(f"unknown device {device!r} (auto, cpu or cuda)")
        cuda = torch.cuda.is_available() if device == "auto" else device == "cuda"
        if cuda and not torch.cuda.is_available():
            raise ValueError("--device cuda, but torch sees no CUDA device")
        world_size = int(os.environ.get("WORLD_SIZE", "1"))
        rank, local = int(os.environ.get("RANK", "0")), int(os.environ.get("LOCAL_RANK", "0"))
        place = torch.device("cuda", local) if cuda else torch.device("cpu")
        if cuda:
            torch.cuda.set_device(place)
        if world_size > 1 and not torch_dist.is_initialized():
            torch_dist.init_process_group("nccl" if cuda else "gloo")
        return cls(rank, world_size, place)

    @property
    def main(self) -> bool:
        return self.rank == 0

    def barrier(self) -> None:
        if self.world_size > 1:
            torch_dist.barrier()


def _key(*parts: int) -> int:
    """A 63-bit seed from integers (numpy's SeedSequence hash): the same on every machine."""
    high, low = (int(w) for w in np.random.SeedSequence(list(parts)).generate_state(2, np.uint32))
    return (high << 31) ^ low


CHECKPOINT_KEYS = ("model", "optimizer", "scaler", "step", "recipe", "num_classes")
"""What every checkpoint :func:`train` writes holds (and ``extra``'s keys)."""


def load_checkpoint(path: str | os.PathLike[str]) -> dict[str, Any]:
    """A checkpoint written by :func:`train` (tensors, numbers and strings only: loaded with
    ``weights_only``); ``FileNotFoundError`` when there is none, ``ValueError`` naming the file when
    it is not such a checkpoint (another file, a truncated one, another program's)."""
    if not os.path.isfile(path):
        raise FileNotFoundError(f"no checkpoint {os.fspath(path)}")
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:  # noqa: BLE001 - torch raises many kinds (pickle's, struct's, KeyError)
        raise ValueError(
            f"{os.fspath(path)} is not a checkpoint of fdsl.train: torch.load cannot read it "
            f"({type(error).__name__})"
        ) from None
    if not isinstance(state, dict) or not all(k in state for k in CHECKPOINT_KEYS):
        raise ValueError(
            f"{os.fspath(path)} is not a checkpoint of fdsl.train (it lacks {', '.join(CHECKPOINT_KEYS)})"
        )
    return state


def _save(path: str, state: dict[str, Any]) -> None:
    temporary = path + ".tmp"
    torch.save(state, temporary)
    os.replace(temporary, path)  # a crash while saving leaves the previous checkpoint


class _Progress:
    """One line on stderr, rewritten at most every half second when it is a terminal."""

    def __init__(self, enabled: bool) -> None:
        self.enabled, self.last = enabled and sys.stderr.isatty(), 0.0

    def due(self) -> bool:
        return self.enabled and time.monotonic() - self.last > 0.5

    def show(self, text: str) -> None:
        if self.enabled:
            sys.stderr.write("\r" + text + "\x1b[K")
            sys.stderr.flush()
            self.last = time.monotonic()

    def done(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")


def train(
    model: nn.Module,
    data: Dataset,
    recipe: Recipe,
    out: str | os.PathLike[str],
    dist: Distributed,
    *,
    num_classes: int,
    workers: int = 0,
    window: int = 1,
    amp: bool | None = None,
    stop_after: int | None = None,
    evaluate: Callable[[nn.Module], dict[str, float]] | None = None,
    eval_epochs: Sequence[int] | None = None,
    record_samples: bool = False,
    progress: bool = True,
    extra: dict[str, Any] | None = None,
) -> nn.Module:
    """Train ``model`` on ``data`` (uint8 images of one size and labels) by ``recipe``, writing
    ``out/checkpoint.pt`` after every epoch (and at ``stop_after`` steps, where it then stops) and
    ``out/log.jsonl`` (one JSON object per epoch); resume from ``out/checkpoint.pt`` when it exists.

    ``evaluate(model)`` runs on rank 0 after the epochs in ``eval_epochs`` (1-based; None: every
    epoch) and the last; what it returns joins the log. ``record_samples`` writes the positions each
    rank trains on, ``out/samples-e{epoch}-r{rank}.txt``. ``extra`` is stored in the checkpoint
    (what a later fine-tuning needs to rebuild the model). Returns the model (unwrapped)."""
    recipe.check()
    os.makedirs(out, exist_ok=True)
    checkpoint_path, log_path = os.path.join(out, CHECKPOINT), os.path.join(out, LOG)
    steps_per_epoch = len(data) // dist.world_size // recipe.batch_size
    if steps_per_epoch == 0:
        raise ValueError(
            f"{len(data)} samples are fewer than one batch of {recipe.batch_size} per rank ({dist.world_size} ranks)"
        )
    total = recipe.epochs * steps_per_epoch
    amp = dist.device.type == "cuda" if amp is None else amp and dist.device.type == "cuda"

    model.to(dist.device)
    if recipe.optimizer == "sgd":
        optimizer: torch.optim.Optimizer = torch.optim.SGD(
            model.parameters(), lr=recipe.lr, momentum=recipe.momentum, weight_decay=recipe.weight_decay
        )
    else:
        optimizer = torch.optim.AdamW(model.parameters(), lr=recipe.lr, weight_decay=recipe.weight_decay)
    scaler = torch.amp.GradScaler("cuda", enabled=amp)
    step = 0
    if os.path.exists(checkpoint_path):
        state = load_checkpoint(checkpoint_path)
        if state["recipe"] != dataclasses.asdict(recipe) or state["num_classes"] != num_classes:
            raise ValueError(
                f"{checkpoint_path} is of another recipe or number of classes: use another --out"
            )
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        scaler.load_state_dict(state["scaler"])
        step = state["step"]
    trained: nn.Module = model
    if dist.world_size > 1:
        cuda = dist.device.type == "cuda"
        trained = nn.parallel.DistributedDataParallel(model, device_ids=[dist.device] if cuda else None)

    def save() -> None:
        if dist.main:
            _save(
                checkpoint_path,
                {
                    "model": model.state_dict(),
                    "optimizer": optimizer.state_dict(),
                    "scaler": scaler.state_dict(),
                    "step": step,
                    "recipe": dataclasses.asdict(recipe),
                    "num_classes": num_classes,
                    **(extra or {}),
                },
            )
        dist.barrier()

    positions = Positions()
    loader = DataLoader(
        data,
        batch_size=recipe.batch_size,
        sampler=positions,
        num_workers=workers,
        pin_memory=dist.device.type == "cuda",
        persistent_workers=workers > 0,
        drop_last=True,
    )
    bar = _Progress(progress and dist.main)
    while step < total and (stop_after is None or step < stop_after):
        epoch, done = divmod(step, steps_per_epoch)
        order = rank_order(data, recipe.seed, epoch, dist.rank, dist.world_size, window)
        positions.items = order[done * recipe.batch_size : steps_per_epoch * recipe.batch_size]
        if record_samples:
            with open(os.path.join(out, f"samples-e{epoch}-r{dist.rank}.txt"), "a") as f:
                f.write("".join(f"{p}\n" for p in positions.items))
        trained.train()
        loss_sum, seen, start = torch.zeros((), device=dist.device), 0, time.perf_counter()
        for images, labels in loader:
            for group in optimizer.param_groups:
                group["lr"] = learning_rate(recipe, step, steps_per_epoch)
            key = _key(recipe.seed, epoch, step, dist.rank)
            torch.manual_seed(key)  # dropout, drop-path: keyed like the augmentation
            images = augment(
                images.to(dist.device, non_blocking=True),
                recipe.image_size,
                torch.Generator().manual_seed(key),
                scale=recipe.crop_scale,
                flip=recipe.flip,
            )
            labels = labels.to(dist.device, non_blocking=True)
            with torch.autocast(dist.device.type, dtype=torch.float16, enabled=amp):
                loss = F.cross_entropy(trained(images), labels, label_smoothing=recipe.label_smoothing)
            optimizer.zero_grad(set_to_none=True)
            scaler.scale(loss).backward()
            scaler.step(optimizer)
            scaler.update()
            loss_sum += loss.detach()
            seen += len(labels)
            step += 1
            if bar.due():
                rate = seen * dist.world_size / (time.perf_counter() - start)
                bar.show(
                    f"epoch {epoch + 1}/{recipe.epochs} step {step - epoch * steps_per_epoch}/{steps_per_epoch} "
                    f"loss {loss.item():.4f} lr {optimizer.param_groups[0]['lr']:.3g} {rate:,.0f} images/s"
                )
            if step == stop_after:
                break
        if step % steps_per_epoch and step != stop_after:
            raise RuntimeError("the loader gave fewer batches than the epoch has")
        seconds = time.perf_counter() - start
        record: dict[str, Any] = {
            "epoch": epoch + 1,
            "step": step,
            "loss": loss_sum.item() / max(1, seen // recipe.batch_size),
            "lr": optimizer.param_groups[0]["lr"],
            "images_per_s": seen * dist.world_size / seconds,
            "seconds": seconds,
        }
        finished = step % steps_per_epoch == 0
        if (
            evaluate is not None
            and finished
            and dist.main
            and (eval_epochs is None or epoch + 1 in eval_epochs or step == total)
        ):
            model.eval()
            record.update(evaluate(model))
        bar.show(" ".join(f"{k} {v:.4g}" if isinstance(v, float) else f"{k} {v}" for k, v in record.items()))
        bar.done()
        if dist.main:
            with open(log_path, "a") as f:
                f.write(json.dumps(record) + "\n")
        save()
    return model
