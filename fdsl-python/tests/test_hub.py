"""Folders `fdsl render` writes load with Hugging Face `datasets` (offline): ImageFolder through the
`imagefolder` builder with every image and its class label, WebDataset shards through the
`webdataset` builder, SegRCDB's images and masks by the card's one-liner, and each folder by its
path (its dataset card's YAML header read); the card names the licence, the paper and the command
that remakes the folder."""

import os
import pathlib
import subprocess
from glob import glob

import numpy as np
import pytest
from conftest import fdsl_binary
from PIL import Image

os.environ["HF_DATASETS_OFFLINE"] = "1"
datasets = (
    pytest.importorskip("datasets") if not os.environ.get("FDSL_REQUIRE_PYTHON") else __import__("datasets")
)
yaml = pytest.importorskip("yaml") if not os.environ.get("FDSL_REQUIRE_PYTHON") else __import__("yaml")


# A small RCDB with a val split: 3 classes x 4 images of 32 px.
RCDB_SMALL = (
    "--preset",
    "rcdb-1k",
    "--categories",
    "3",
    "--instances",
    "4",
    "--size",
    "32",
    "--val-per-class",
    "1",
)


def render(folder: pathlib.Path, *flags: str) -> pathlib.Path:
    subprocess.run(
        [fdsl_binary(), "render", "--out", str(folder), "--seed", "2", *flags],
        check=True,
        capture_output=True,
    )
    return folder


def card(folder: pathlib.Path) -> tuple[dict, str]:
    text = (folder / "README.md").read_text()
    assert text.startswith("---\n")
    header, body = text[4:].split("\n---\n", 1)
    return yaml.safe_load(header), body


@pytest.fixture(scope="module")
def rcdb(tmp_path_factory) -> pathlib.Path:
    return render(
        tmp_path_factory.mktemp("hub") / "rcdb",
        *RCDB_SMALL,
    )


def test_imagefolder_gives_every_image_with_its_class(rcdb):
    ds = datasets.load_dataset("imagefolder", data_dir=str(rcdb))
    for split, folder, count in [("train", "train", 9), ("validation", "val", 3)]:
        rows = ds[split].cast_column("image", datasets.Image(decode=False))
        assert rows.num_rows == count == len(glob(f"{rcdb}/{folder}/*/*.png"))
        names = rows.features["label"]
        for row in rows:
            path = pathlib.Path(row["image"]["path"])
            assert names.int2str(row["label"]) == path.parent.name
            assert path.parent.parent.name == folder
    image = ds["train"][0]["image"]
    assert image.size == (32, 32)


def test_webdataset_shards_load_with_the_webdataset_builder(tmp_path):
    folder = render(
        tmp_path / "wds",
        *RCDB_SMALL,
        "--format",
        "webdataset",
        "--shard-size",
        "4",
    )
    ds = datasets.load_dataset(
        "webdataset",
        data_files={
            "train": sorted(glob(f"{folder}/train-*.tar")),
            "validation": sorted(glob(f"{folder}/val-*.tar")),
        },
    )
    assert (ds["train"].num_rows, ds["validation"].num_rows) == (9, 3)
    for row in ds["train"]:
        assert row["cls"] == row["json"]["class"]
        assert row["png"].size == (32, 32)
    by_path = datasets.load_dataset(str(folder))
    assert by_path["train"].num_rows == 9


def test_segrcdb_masks_load_by_the_cards_one_liner(tmp_path):
    folder = render(
        tmp_path / "seg",
        "--preset",
        "segrcdb",
        "--categories",
        "5",
        "--instances",
        "3",
        "--size",
        "48",
        "--instances-per-image",
        "5",
    )
    assert 'Dataset.from_dict({"image"' in card(folder)[1]
    ds = (
        datasets.Dataset.from_dict(
            {
                "image": sorted(glob(f"{folder}/images/training/*.png")),
                "mask": sorted(glob(f"{folder}/annotations/training/*.png")),
            }
        )
        .cast_column("image", datasets.Image())
        .cast_column("mask", datasets.Image())
    )
    assert ds.num_rows == 3
    row = ds[0]
    assert row["image"].size == row["mask"].size == (48, 48)
    assert np.asarray(row["mask"]).max() > 0


def test_the_card_names_licence_paper_and_command_and_is_no_dataset_file(rcdb, tmp_path):
    header, body = card(rcdb)
    assert header["license"] == "mit"
    assert header["task_categories"] == ["image-classification"]
    assert header["size_categories"] == ["n<1K"]
    assert "Replacing Labeled Real-image Datasets" in body and "@inproceedings" in body
    command = "fdsl render --seed 2 --preset rcdb-1k --categories 3 --instances 4 --size 32 --val-per-class 1 --out OUT"
    assert f"```sh\n{command}\n```" in body
    by_path = datasets.load_dataset(str(rcdb))
    assert by_path["train"].features["label"].names == ["00000", "00001", "00002"]
    # The command remakes the folder, card included; verify ignores the card.
    again = render(
        tmp_path / "again",
        *RCDB_SMALL,
    )
    assert (again / "README.md").read_bytes() == (rcdb / "README.md").read_bytes()
    subprocess.run([fdsl_binary(), "verify", str(rcdb)], check=True, capture_output=True)
    (rcdb / "README.md").unlink()
    subprocess.run([fdsl_binary(), "verify", str(rcdb)], check=True, capture_output=True)
    assert not (rcdb / "README.md").exists()
    Image.open(next(pathlib.Path(rcdb).glob("train/*/*.png"))).verify()


def test_jpeg_folders_load_as_their_decoded_files(tmp_path):
    """Baradad et al.'s presets write JPEG: `imagefolder` reads the `.jpg` files, a tar's `.jpg`
    members decode, and both give the pixels `fdsl.Dataset` gives."""
    import fdsl

    flags = ("--preset", "stat-spectrum", "--instances", "3", "--size", "32")
    folder = render(tmp_path / "jpg", *flags)
    shards = render(tmp_path / "wds", *flags, "--format", "webdataset")
    ours = fdsl.Dataset.from_manifest(folder)
    rows = datasets.load_dataset("imagefolder", data_dir=str(folder))["train"]
    assert rows.num_rows == 3 == len(glob(f"{folder}/train/*/*.jpg"))
    by_name = {
        pathlib.Path(r["image"]["path"]).stem: r
        for r in rows.cast_column("image", datasets.Image(decode=False))
    }
    for index in range(3):
        image = Image.open(by_name[f"{index:08}"]["image"]["path"])
        assert np.array_equal(np.asarray(image), ours[index][0])
    tar = datasets.load_dataset("webdataset", data_files={"train": sorted(glob(f"{shards}/train-*.tar"))})[
        "train"
    ]
    assert tar.num_rows == 3
    for row in tar:
        assert np.array_equal(np.asarray(row["jpg"]), ours[int(row["__key__"])][0])
