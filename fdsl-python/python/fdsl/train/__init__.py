"""From an fdsl dataset to a pre-trained network: pre-training, fine-tuning and the papers' comparison
in miniature, on torch (timm or torchvision for the networks).

    python -m fdsl.train.pretrain --preset fractaldb-1k --model resnet50 --out runs/fdb1k
    python -m fdsl.train.finetune --checkpoint runs/fdb1k/checkpoint.pt --data cifar10 --out runs/ft
    python -m fdsl.train.miniature --out runs/miniature

Modules: :mod:`~fdsl.train.loop` (the training loop), :mod:`~fdsl.train.data` (sources and each rank's
share), :mod:`~fdsl.train.augment` (batch augmentation), :mod:`~fdsl.train.models` (networks by name),
:mod:`~fdsl.train.natural` (Fashion-MNIST and texture patches, no download), :mod:`~fdsl.train.cli`.
Needs ``pip install torch torchvision`` (and ``timm`` for its models, ``scikit-image`` for the textures).
"""

import importlib.util

_missing = [m for m in ("torch", "torchvision") if importlib.util.find_spec(m) is None]
if _missing:
    raise ImportError(
        f"fdsl.train needs {' and '.join(_missing)}: pip install torch torchvision timm scikit-image"
    )
