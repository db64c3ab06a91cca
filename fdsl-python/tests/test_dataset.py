"""fdsl's Python package without torch: every preset's samples are `fdsl render`'s files, batches are
single samples, pickling and worker processes (fork, spawn) give the same bytes, bad input raises."""

import json
import multiprocessing
import os
import pathlib
import pickle
import subprocess

import fdsl
import numpy as np
import pytest
from PIL import Image

ROOT = pathlib.Path(__file__).resolve().parents[2]

# `fdsl render` flags of a small dataset of each preset (shared with tests/library.rs).
SMALL = json.loads((ROOT / "tests/data/small_datasets.json").read_text())


def fdsl_binary() -> str:
    for candidate in [os.environ.get("FDSL_BIN"), ROOT / "target/debug/fdsl", ROOT / "target/release/fdsl"]:
        if candidate and pathlib.Path(candidate).is_file():
            return str(candidate)
    pytest.fail("no fdsl binary: run `cargo build` first or set FDSL_BIN")


def payload(path: pathlib.Path) -> np.ndarray:
    if path.suffix == ".png":
        return np.asarray(Image.open(path))
    data = path.read_bytes()
    end = data.index(b"end_header\n") + len(b"end_header\n")
    return np.frombuffer(data[end:], dtype="<f4").reshape(-1, 3)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = {}
    base = tmp_path_factory.mktemp("rendered")
    for preset, flags in SMALL.items():
        folder = base / preset
        subprocess.run(
            [fdsl_binary(), "render", "--preset", preset, "--out", str(folder), "--seed", "4", *flags],
            check=True,
            capture_output=True,
        )
        out[preset] = folder
    return out


@pytest.mark.parametrize("preset", list(SMALL))
def test_samples_are_the_files_fdsl_render_writes(rendered, preset):
    folder = rendered[preset]
    ds = fdsl.Dataset.from_manifest(folder)
    spec = ds.spec
    scenes = preset.endswith("scenes")
    for index in range(len(ds)):
        sample, label = ds[index]
        cls, instance = divmod(index, spec["instances"])
        train = spec["instances"] - spec["val_per_class"]
        split, position = ("val", instance - train) if instance >= train else ("train", instance)
        # Files are named by the reference's stems, whose sorted order is the instance order.
        files = sorted(
            f for f in (folder / split).glob("*" if scenes else f"{ds.classes[cls]}/*") if f.suffix != ".json"
        )
        expected = payload(files[position])
        assert sample.dtype == expected.dtype and np.array_equal(sample, expected), f"{preset} sample {index}"
        assert label == (-1 if scenes else cls)
    # The same dataset from its flags as keyword arguments, and from its whole spec.
    flags = SMALL[preset]
    overrides = {
        flag[2:].replace("-", "_"): int(value) if value.isdigit() else value
        for flag, value in zip(flags[::2], flags[1::2])
    }
    short = fdsl.Dataset(preset, seed=4, **overrides)
    assert short.spec == spec and np.array_equal(short[len(ds) - 1][0], ds[len(ds) - 1][0])
    assert fdsl.Dataset.from_spec(spec).spec == spec


@pytest.mark.parametrize("preset", [p for p in SMALL if not p.endswith("scenes")])
def test_batches_are_single_samples_whatever_the_threads(rendered, preset):
    ds = fdsl.Dataset.from_manifest(rendered[preset])
    indices = list(reversed(range(len(ds)))) + [0, 0]
    singles = np.stack([ds[i][0] for i in indices])
    for threads in (None, 1, 2, 0):
        batch, labels = ds.render_batch(indices, threads=threads)
        assert np.array_equal(batch, singles) and list(labels) == [ds.label(i) for i in indices]
    if ds.dtype == np.uint8:
        out = np.zeros((len(indices), *ds.sample_shape), dtype=np.uint8)
        ds.render_into(indices, out, threads=2)
        assert np.array_equal(out, singles)


def _render(args):
    ds, indices = args
    return ds.render_batch(indices)[0].tobytes()


@pytest.mark.parametrize("method", ["fork", "spawn", "forkserver"])
def test_pickled_into_worker_processes_the_bytes_stay(rendered, method):
    ds = fdsl.Dataset.from_manifest(rendered["fractaldb-1k"])
    ds.render_batch([0, 1], threads=2)  # worker threads before the fork: none may be inherited
    again = pickle.loads(pickle.dumps(ds))
    assert again.spec == ds.spec and np.array_equal(again[77][0], ds[77][0])
    chunks = [list(range(k, k + 40)) for k in (0, 40, 80, 120)]
    with multiprocessing.get_context(method).Pool(2) as pool:
        got = pool.map(_render, [(ds, c) for c in chunks])
    assert got == [ds.render_batch(c)[0].tobytes() for c in chunks]


def test_splits_units_and_metadata(rendered):
    ds = fdsl.Dataset.from_manifest(rendered["fractaldb-1k"])
    assert ds.classes == ["00000", "00001"] and ds.sample_shape == (48, 48) and len(ds) == 160
    assert list(ds.split_indices("val")) == list(range(40, 80)) + list(range(120, 160))
    with pytest.raises(ValueError, match="split is 'train' or 'val'"):
        ds.split_indices("test")
    units = ds.units()
    assert units.shape == (160,) and len(set(units[:40])) == 1 and units[0] != units[40]
    assert "fractaldb-1k" in repr(ds)


def test_bad_input_raises_with_the_librarys_message():
    with pytest.raises(ValueError, match='unknown preset "imagenet"'):
        fdsl.Dataset("imagenet")
    with pytest.raises(ValueError, match="unknown field `colours`"):
        fdsl.Dataset("rcdb-1k", colours=3)
    with pytest.raises(ValueError, match="--colour does not apply to the rcdb-1k preset"):
        fdsl.Dataset("rcdb-1k", colour="hue")
    with pytest.raises(ValueError, match="--draw does not apply to the rcdb-1k preset"):
        fdsl.Dataset("rcdb-1k", draw="patch")
    with pytest.raises(ValueError, match="take 40"):
        fdsl.Dataset("fractaldb-1k", categories=1, instances=80, val_per_class=10)
    ds = fdsl.Dataset("rcdb-1k", categories=2, instances=3, size=32)
    assert np.array_equal(ds[-1][0], ds[5][0])
    with pytest.raises(IndexError):
        ds[6]
    with pytest.raises(IndexError, match="index 6 is past the end"):
        ds.render_batch([0, 6])
    with pytest.raises(TypeError):
        ds["x"]
    with pytest.raises(TypeError, match="uint8"):
        ds.render_into([0], np.zeros((1, 32, 32), dtype=np.float32))
    with pytest.raises(TypeError, match="shape"):
        ds.render_into([0, 1], np.zeros((1, 32, 32), dtype=np.uint8))
    with pytest.raises(ValueError):
        fdsl.Dataset.from_manifest("/nonexistent")
