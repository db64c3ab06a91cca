"""fdsl.train: pre-training and fine-tuning lower the loss; a run stopped and resumed reaches the
uninterrupted run's weights; two DDP ranks share an epoch exactly; bad arguments end in one line; the
readers of the natural data, the augmentation, the schedule and the head replacement."""

import gzip
import json
import os
import subprocess
import sys

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("torchvision")
timm = pytest.importorskip("timm")
from fdsl.train import augment, cli, finetune, loop, models, natural, pretrain

torch.set_num_threads(1)  # small convolutions: one thread is as fast, and steady on a shared machine
TINY = ["--model", "test_resnet", "--image-size", "32", "--load-size", "32", "--workers", "0", "--quiet"]
FRACTALS = [
    "--preset",
    "fractaldb-1k",
    "--set",
    "categories=3",
    "--set",
    "instances=40",
    "--set",
    "points=20000",
]


def need(condition, what):
    """Skip without ``what``, except in CI (``FDSL_REQUIRE_PYTHON`` set), where it must be there."""
    if not condition:
        if os.environ.get("FDSL_REQUIRE_PYTHON"):
            pytest.fail(f"FDSL_REQUIRE_PYTHON is set but {what} is missing")
        pytest.skip(f"{what} is missing")


def log(folder):
    with open(os.path.join(folder, "log.jsonl")) as f:
        return [json.loads(line) for line in f]


def test_pretraining_then_fine_tuning_lower_the_loss(tmp_path):
    need(importlib_find("skimage"), "scikit-image")
    out = str(tmp_path / "pre")
    # --window 3: batches mix the 3 classes' units (a unit is 40 images of one class)
    pretrain.main([*FRACTALS, *TINY, "--epochs", "5", "--batch-size", "24", "--window", "3", "--out", out])
    losses = [r["loss"] for r in log(out)]
    assert len(losses) == 5 and losses[-1] < 0.7 * losses[0], losses
    state = loop.load_checkpoint(os.path.join(out, "checkpoint.pt"))
    assert state["step"] == 5 * 5 and state["num_classes"] == 3 and state["recipe"]["model"] == "test_resnet"
    assert state["source"]["overrides"] == {"categories": 3, "instances": 40, "points": 20000}

    tuned = str(tmp_path / "ft")
    args = ["--data", "textures", "--per-class", "16", "--epochs", "4", "--batch-size", "16", "--lr", "0.02"]
    last = finetune.main([*args, *TINY, "--checkpoint", os.path.join(out, "checkpoint.pt"), "--out", tuned])
    records = log(tuned)
    assert records[-1]["loss"] < records[0]["loss"], records
    assert 0 <= last["top1"] <= 100 and [r["top1"] for r in records][-1] == last["top1"]


def importlib_find(name):
    import importlib.util

    return importlib.util.find_spec(name) is not None


def test_a_run_stopped_and_resumed_reaches_the_uninterrupted_weights(tmp_path):
    torch.use_deterministic_algorithms(True)
    try:
        # 120 samples, batches of 24: 5 steps per epoch, 10 in all; stopped after 3 and after 7
        # (inside epochs), resumed with loader workers, which must not change a thing.
        args = [*FRACTALS, *TINY, "--epochs", "2", "--batch-size", "24", "--deterministic", "--window", "2"]
        whole = pretrain.main([*args, "--out", str(tmp_path / "whole")])
        parts = str(tmp_path / "parts")
        for stop in ("3", "7"):
            pretrain.main([*args, "--out", parts, "--stop-after", stop])
            assert loop.load_checkpoint(os.path.join(parts, "checkpoint.pt"))["step"] == int(stop)
        resumed = pretrain.main([*args, "--workers", "2", "--out", parts])
    finally:
        torch.use_deterministic_algorithms(False)
    for (name, a), (_, b) in zip(whole.state_dict().items(), resumed.state_dict().items()):
        assert torch.equal(a, b), name
    saved = loop.load_checkpoint(os.path.join(parts, "checkpoint.pt"))
    assert saved["step"] == 10 and all(
        torch.equal(saved["model"][k], v) for k, v in whole.state_dict().items()
    )


def test_two_ddp_ranks_train_on_disjoint_samples_that_cover_each_epoch(tmp_path):
    out = tmp_path / "ddp"
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node", "2"]
    command += [
        "-m",
        "fdsl.train.pretrain",
        *FRACTALS,
        *TINY,
        "--epochs",
        "2",
        "--batch-size",
        "20",
        "--window",
        "3",
    ]
    command += ["--device", "cpu", "--record-samples", "--out", str(out)]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    run = subprocess.run(command, check=False, capture_output=True, text=True, timeout=300, env=env)
    assert run.returncode == 0, run.stderr[-2000:]
    orders = []
    for epoch in range(2):
        ranks = [[int(v) for v in (out / f"samples-e{epoch}-r{r}.txt").read_text().split()] for r in range(2)]
        assert [len(r) for r in ranks] == [60, 60]  # 3 batches of 20 each
        assert not set(ranks[0]) & set(ranks[1])
        assert sorted(ranks[0] + ranks[1]) == list(range(120))
        orders.append(ranks[0])
    assert orders[0] != orders[1], "each epoch is shuffled anew"
    assert loop.load_checkpoint(str(out / "checkpoint.pt"))["step"] == 2 * 3


def one_line_error(capsys, main, argv, *expected):
    with pytest.raises(SystemExit) as exit_:
        cli.guarded("prog", main, argv)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("prog: error: "), err
    for text in expected:
        assert text in err, err


def test_bad_arguments_end_in_one_clear_line(tmp_path, capsys):
    run = subprocess.run(
        [sys.executable, "-m", "fdsl.train.pretrain", "--preset", "nope", "--out", str(tmp_path / "x")],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2 and run.stderr.count("\n") == 1, run.stderr
    assert run.stderr.startswith("python -m fdsl.train.pretrain: error: preset 'nope': unknown preset"), (
        run.stderr
    )
    out = ["--out", str(tmp_path / "y")]
    one_line_error(
        capsys, pretrain.main, [*FRACTALS, "--model", "no-such-net", *out], "unknown model 'no-such-net'"
    )
    one_line_error(capsys, pretrain.main, ["--folder", str(tmp_path / "missing"), *out], "no data folder")
    one_line_error(
        capsys, pretrain.main, [*FRACTALS, "--set", "categories=0", *out], "--categories must be at least 1"
    )
    one_line_error(
        capsys,
        finetune.main,
        ["--data", str(tmp_path / "missing"), "--model", "test_resnet", *out],
        "no data",
    )
    one_line_error(
        capsys,
        finetune.main,
        ["--data", "textures", "--checkpoint", str(tmp_path / "none.pt"), *out],
        "no checkpoint",
    )
    one_line_error(
        capsys, pretrain.main, [*FRACTALS, "--optimizer", "lion", *out], "unknown optimizer 'lion'"
    )
    one_line_error(
        capsys, pretrain.main, [*FRACTALS, "--batch-size", "500", *TINY, *out], "fewer than one batch"
    )


def parser_error(capsys, main, argv, *expected):
    """``main(argv)`` refuses an argument: one line ``PROG: error: ...``, exit status 2, no usage block."""
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("python -m fdsl.train.") and ": error: " in err, err
    for text in expected:
        assert text in err, err


def test_bad_numbers_checkpoints_and_data_end_in_one_line(tmp_path, capsys, monkeypatch):
    """Issue 36: every bad number, a file that is not a checkpoint, an offline download and missing
    Fashion-MNIST end in one line and exit status 2, before any training."""
    from fdsl.train import miniature

    out = ["--out", str(tmp_path / "y")]
    scratch = ["--data", "textures", "--model", "test_resnet", *out]
    parser_error(
        capsys, finetune.main, [*scratch, "--per-class", "-1"], "--per-class: must be at least 0, not -1"
    )
    parser_error(capsys, finetune.main, [*scratch, "--patch", "0"], "--patch: must be at least 1, not 0")
    parser_error(capsys, finetune.main, [*scratch, "--lr", "nan"], "--lr: expected a finite number")
    parser_error(
        capsys, pretrain.main, [*FRACTALS, "--epochs", "2.5", *out], "--epochs: expected a whole number"
    )
    parser_error(capsys, pretrain.main, [*FRACTALS, "--flip", "2", *out], "--flip: must be from 0 to 1")
    parser_error(capsys, miniature.main, ["--seeds", "0", *out], "--seeds: must be at least 1, not 0")
    junk = tmp_path / "junk.pt"
    junk.write_bytes(b"not a checkpoint\n" * 100)
    one_line_error(
        capsys,
        finetune.main,
        [*scratch, "--checkpoint", str(junk)],
        f"{junk} is not a checkpoint of fdsl.train",
    )
    torch.save({"weights": torch.zeros(2)}, tmp_path / "other.pt")
    one_line_error(
        capsys, finetune.main, [*scratch, "--checkpoint", str(tmp_path / "other.pt")], "is not a checkpoint"
    )
    import urllib.error

    import torchvision.datasets

    def offline(*args, **kwargs):
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(torchvision.datasets, "CIFAR10", offline)
    one_line_error(
        capsys,
        finetune.main,
        ["--data", "cifar10", "--model", "test_resnet", "--data-root", str(tmp_path / "c"), *out],
        "cifar10 is not in",
        "cannot be downloaded there ([Errno -3] Temporary failure in name resolution)",
        "--data-root",
    )
    # The miniature looks for Fashion-MNIST before it pre-trains anything, and names its own flag.
    one_line_error(
        capsys,
        miniature.main,
        ["--data-root", str(tmp_path / "no-fashion"), "--out", str(tmp_path / "m")],
        "Fashion-MNIST not found at",
        "--data-root DIR",
    )
    assert not (tmp_path / "m" / "pretrain").exists()
    assert "--data-root" in miniature.parser().format_help()


def test_a_one_class_preset_is_refused_as_classes_with_the_remedy(tmp_path, capsys):
    """Issue 36: dead leaves and the statistical images have one class; classifying them learns
    nothing, so pre-training refuses them with --labels class, naming --labels instance."""
    for preset in ("stat-spectrum", "dead-leaves-mixed"):
        one_line_error(
            capsys,
            pretrain.main,
            ["--preset", preset, "--set", "instances=16", *TINY, "--out", str(tmp_path / preset)],
            f"preset {preset!r} has one class",
            "--labels instance",
        )
        assert not (tmp_path / preset).exists()


def test_help_gives_every_option_and_its_default():
    from fdsl.train import miniature

    for module in (pretrain, finetune, miniature):
        p = module.parser()
        text = "".join(p.format_help().split())  # wrapped anywhere, hyphens included
        for action in p._actions:
            if action.option_strings and action.dest != "help":
                assert action.help, f"{module.__name__}: {action.option_strings} has no help"
                if action.default not in (None, False) and not action.required:
                    default = "".join(f"(default: {action.default})".split())
                    assert default in text, (module.__name__, action.option_strings)
    text = " ".join(pretrain.parser().format_help().split())
    assert "--epochs EPOCHS passes over the data (default: 90)" in text, text
    assert "--lr LR the peak learning rate (default: 0.1)" in text, text


def test_a_folder_of_class_folders_is_a_source(tmp_path):
    from PIL import Image

    for c in range(2):
        (tmp_path / "train" / f"c{c}").mkdir(parents=True)
        for i in range(6):
            Image.fromarray(np.full((40, 50), 100 * c + i, np.uint8)).save(
                tmp_path / "train" / f"c{c}" / f"{i}.png"
            )
    out = str(tmp_path / "run")
    pretrain.main(
        ["--folder", str(tmp_path / "train"), *TINY, "--epochs", "1", "--batch-size", "4", "--out", out]
    )
    assert loop.load_checkpoint(os.path.join(out, "checkpoint.pt"))["num_classes"] == 2
    data = pretrain_folder(tmp_path / "train")
    image, label = data[7]
    assert (
        image.shape == (3, 32, 32)
        and image.dtype == torch.uint8
        and label == 1
        and int(image[0, 0, 0]) == 101
    )


def pretrain_folder(path):
    from fdsl.train.data import folder

    return folder(path, 32)


def write_idx(path, array, magic):
    header = magic.to_bytes(4, "big") + b"".join(n.to_bytes(4, "big") for n in array.shape)
    with gzip.open(path, "wb") as f:
        f.write(header + array.astype(np.uint8).tobytes())


def test_the_idx_reader_reads_what_was_written_and_refuses_other_files(tmp_path):
    images = np.arange(3 * 28 * 28).reshape(3, 28, 28) % 251
    write_idx(tmp_path / "t10k-images-idx3-ubyte.gz", images, 0x803)
    write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", np.array([7, 0, 9]), 0x801)
    got, labels = natural.fashion_mnist("test", str(tmp_path))
    assert np.array_equal(got, images) and labels.tolist() == [7, 0, 9] and labels.dtype == np.int64
    write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", np.array([7, 0, 9]), 0x803)
    with pytest.raises(ValueError, match="not an IDX file of uint8 with 1 dimensions"):
        natural.fashion_mnist("test", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="apt-get install dataset-fashion-mnist"):
        natural.fashion_mnist("train", str(tmp_path))
    with pytest.raises(ValueError, match="splits train and test"):
        natural.fashion_mnist("val", str(tmp_path))


def test_fashion_mnist_from_the_debian_package():
    need(
        os.path.exists(os.path.join(natural.FASHION_MNIST_ROOT, "t10k-labels-idx1-ubyte.gz")),
        "dataset-fashion-mnist",
    )
    images, labels = natural.fashion_mnist("test")
    assert images.shape == (10000, 28, 28) and images.dtype == np.uint8
    assert np.bincount(labels).tolist() == [1000] * 10
    keep = natural.per_class(labels, 5, seed=3)
    assert np.bincount(labels[keep]).tolist() == [5] * 10 and len(set(keep)) == 50
    assert np.array_equal(keep, natural.per_class(labels, 5, seed=3))
    assert not np.array_equal(keep, natural.per_class(labels, 5, seed=4))


def test_texture_patches_come_from_separate_halves():
    need(importlib_find("skimage"), "scikit-image")
    train_x, train_y = natural.texture_patches("train", 32, per_class=10, seed=1)
    test_x, test_y = natural.texture_patches("test", 32)
    assert train_x.shape == (30, 32, 32) and np.bincount(train_y).tolist() == [10] * 3
    assert test_x.shape == (384, 32, 32) and np.bincount(test_y).tolist() == [128] * 3
    from skimage import data

    brick = data.brick()
    assert np.array_equal(test_x[0], brick[:32, 256:288]) and np.array_equal(test_x[1], brick[:32, 288:320])
    # every train patch lies in the left half: found there, and in no test patch
    for patch, label in zip(train_x, train_y):
        photo = getattr(data, natural.TEXTURES[label])()
        windows = np.lib.stride_tricks.sliding_window_view(photo[:, :256], (32, 32))
        assert (windows == patch).all(axis=(2, 3)).any()


def test_augmentation_is_the_generators_and_identity_at_full_scale():
    images = torch.randint(0, 256, (4, 1, 16, 16), dtype=torch.uint8)
    same = augment.augment(images, 16, torch.Generator().manual_seed(0), scale=(1, 1), ratio=(1, 1), flip=0.0)
    plain = augment.to_input(images, 16)
    assert plain.shape == (4, 3, 16, 16) and torch.allclose(same, plain, atol=1e-5)
    mirrored = augment.augment(
        images, 16, torch.Generator().manual_seed(0), scale=(1, 1), ratio=(1, 1), flip=1.0
    )
    assert torch.allclose(mirrored, plain.flip(-1), atol=1e-5)
    a = augment.augment(images, 8, torch.Generator().manual_seed(5))
    assert torch.equal(a, augment.augment(images, 8, torch.Generator().manual_seed(5)))
    assert not torch.equal(a, augment.augment(images, 8, torch.Generator().manual_seed(6)))


def test_the_learning_rate_schedules():
    cosine = loop.Recipe("m", epochs=10, batch_size=1, image_size=8, lr=0.1, warmup_epochs=2, min_lr=0.001)
    assert [loop.learning_rate(cosine, s, 5) for s in (0, 4, 9)] == pytest.approx([0.01, 0.05, 0.1])
    assert loop.learning_rate(cosine, 10, 5) == pytest.approx(0.1)
    assert loop.learning_rate(cosine, 30, 5) == pytest.approx(0.001 + 0.099 * 0.5)
    assert loop.learning_rate(cosine, 50, 5) == pytest.approx(0.001)
    step = loop.Recipe("m", 90, 1, 8, schedule="step", milestones=(30, 60), lr=0.1)
    assert [loop.learning_rate(step, e * 10, 10) for e in (0, 29, 30, 59, 60, 89)] == pytest.approx(
        [0.1, 0.1, 0.01, 0.01, 0.001, 0.001]
    )


@pytest.mark.parametrize("name", ["test_resnet", "resnet18"])
def test_fine_tuning_keeps_every_weight_but_the_new_head(name):
    torch.manual_seed(0)
    source = models.create_model(name, 7)
    target = models.create_model(name, 3)
    head = models.load_backbone(target, 3, source.state_dict(), 7)
    assert head == "fc"
    for key, value in target.state_dict().items():
        if key.startswith("fc."):
            assert value.shape[0] == 3
        else:
            assert torch.equal(value, source.state_dict()[key]), key
    with pytest.raises(ValueError, match="unknown model"):
        models.create_model("no-such-net", 3)


def test_images_with_masks_are_not_classification_sources():
    from fdsl.train.data import fdsl_source

    with pytest.raises(ValueError, match="segrcdb makes images with segmentation masks, not classes"):
        fdsl_source("segrcdb", {"instances": 2, "size": 32}, 0, None)
