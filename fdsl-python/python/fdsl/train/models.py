"""Networks by name, randomly initialised: timm's (when timm is installed) or torchvision's."""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["create_model", "head_name", "load_backbone"]


def create_model(name: str, num_classes: int) -> nn.Module:
    """Model ``name`` with ``num_classes`` outputs, random weights, 3 input channels: a timm model if
    timm knows the name, else a torchvision one; ``ValueError`` if neither does."""
    try:
        import timm
    except ImportError:
        timm = None
    if timm is not None and timm.is_model(name):
        return timm.create_model(name, pretrained=False, num_classes=num_classes)
    import torchvision

    if name in torchvision.models.list_models():
        return torchvision.models.get_model(name, weights=None, num_classes=num_classes)
    known = "timm or torchvision" if timm is not None else "torchvision (timm is not installed)"
    raise ValueError(f"unknown model {name!r}: not a model of {known}")


def head_name(model: nn.Module, num_classes: int) -> str:
    """The classifier: the last ``nn.Linear`` (in module order) with ``num_classes`` outputs."""
    heads = [
        n for n, m in model.named_modules() if isinstance(m, nn.Linear) and m.out_features == num_classes
    ]
    if not heads:
        raise ValueError(f"{type(model).__name__} has no linear layer with {num_classes} outputs")
    return heads[-1]


def load_backbone(
    model: nn.Module, num_classes: int, state: dict[str, torch.Tensor], source_classes: int
) -> str:
    """Load a pre-trained ``state`` (of the same architecture with ``source_classes`` outputs) into
    ``model`` (``num_classes`` outputs), all but the classifier, which keeps its random initialisation.
    Returns the classifier's name. Any other missing or unexpected key is an error."""
    head = head_name(model, num_classes)
    old_head = _head_of_state(state, source_classes)
    backbone = {k: v for k, v in state.items() if not k.startswith(old_head + ".")}
    missing, unexpected = model.load_state_dict(backbone, strict=False)
    missing = [k for k in missing if not k.startswith(head + ".")]
    if missing or unexpected:
        raise ValueError(
            f"the checkpoint does not fit the model: missing {missing[:3]}, unexpected {unexpected[:3]}"
        )
    return head


def _head_of_state(state: dict[str, torch.Tensor], num_classes: int) -> str:
    """The last 2-D weight with ``num_classes`` rows in ``state`` (module order is the dict's)."""
    heads = [
        k[: -len(".weight")]
        for k, v in state.items()
        if k.endswith(".weight") and v.ndim == 2 and v.shape[0] == num_classes
    ]
    if not heads:
        raise ValueError(f"the checkpoint has no linear layer with {num_classes} outputs")
    return heads[-1]
