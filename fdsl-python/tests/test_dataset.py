"""fdsl's Python package without torch: every preset's samples are `fdsl render`'s files, batches are
single samples, pickling and worker processes (fork, spawn) give the same bytes, bad input raises."""

import json
import multiprocessing
import pathlib
import pickle
import subprocess
import sys

import fdsl
import numpy as np
import pytest
from conftest import fdsl_binary
from PIL import Image

ROOT = pathlib.Path(__file__).resolve().parents[2]


def flags(overrides: dict) -> list[str]:
    """``fdsl render``'s flags for a preset's overrides."""
    return [word for key, value in overrides.items() for word in (f"--{key.replace('_', '-')}", str(value))]


# A small dataset of each preset and of each variant in the default format (the registrations'
# examples): their overrides.
SMALL = {
    name: overrides
    for preset in fdsl.presets()
    for name, overrides in [(preset.name, preset.example)]
    + [(f"{preset.name}/{v}", o) for v, o in preset.variants.items() if "format" not in o]
}


def payload(path: pathlib.Path) -> np.ndarray:
    # PNG, or JPEG (Baradad et al.'s presets) as Pillow decodes it: ds[i] is the decoded file.
    if path.suffix in (".png", ".jpg"):
        return np.asarray(Image.open(path))
    if path.name.endswith(".nii.gz"):  # float64 voxels, as nibabel reads them
        return nifti(path)
    data = path.read_bytes()
    end = data.index(b"end_header\n") + len(b"end_header\n")
    return np.frombuffer(data[end:], dtype="<f4").reshape(-1, 3)


def nifti(path: pathlib.Path) -> np.ndarray:
    """A ``.nii.gz`` volume's array: nibabel's where it is installed, else read by hand (the 352
    header bytes, then the voxels in Fortran order)."""
    try:
        import nibabel
    except ImportError:
        import gzip

        raw = gzip.decompress(path.read_bytes())
        dims = np.frombuffer(raw[40:56], dtype="<i2")[1:4]
        dtype = {2: "u1", 64: "<f8"}[int(np.frombuffer(raw[70:72], dtype="<i2")[0])]
        return np.frombuffer(raw[352:], dtype=dtype).reshape(tuple(dims), order="F")
    return np.asanyarray(nibabel.load(path).dataobj)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = {}
    base = tmp_path_factory.mktemp("rendered")
    for case, overrides in SMALL.items():
        folder = base / case.replace("/", "-").replace(" ", "-")
        preset = case.split("/")[0]
        subprocess.run(
            [
                fdsl_binary(),
                "render",
                "--preset",
                preset,
                "--out",
                str(folder),
                "--seed",
                "4",
                *flags(overrides),
            ],
            check=True,
            capture_output=True,
        )
        out[case] = folder
    return out


@pytest.mark.parametrize("preset", list(SMALL))
def test_samples_are_the_files_fdsl_render_writes(rendered, preset):
    folder = rendered[preset]
    ds = fdsl.Dataset.from_manifest(folder)
    spec = ds.spec
    scenes = preset.endswith("scenes")
    train = spec["instances"] - spec["val_per_class"]
    assert list(ds.parts(0)) == [p.name for p in ds.part_info]
    volumes = ds.part_info[0].role == "volume"
    for index in range(len(ds) if volumes else 0):
        # Volumes with labels: the reference's NIfTI pairs, float64.
        volume, labels = ds[index]
        split = "val/" if index >= train else ""
        assert np.array_equal(nifti(folder / f"{split}img/img{index:04}.nii.gz"), volume), index
        assert np.array_equal(nifti(folder / f"{split}label/label{index:04}.nii.gz"), labels), index
        assert volume.dtype == labels.dtype == np.uint8 and volume.ndim == 3 and labels.shape == volume.shape
        parts = ds.parts(index)
        assert np.array_equal(parts["volume"], volume) and np.array_equal(parts["labels"], labels)
    for index in range(len(ds) if ds.target_part and not volumes else 0):
        # Images with masks: mmsegmentation's layout, the image and its mask apart.
        image, mask = ds[index]
        split = "validation" if index >= train else "training"
        assert np.array_equal(image, payload(folder / "images" / split / f"{index:06}.png")), index
        assert np.array_equal(mask, payload(folder / "annotations" / split / f"{index:06}.png")), index
        assert mask.dtype == np.uint8 and mask.shape == image.shape and ds.label(index) == -1
        parts = ds.parts(index)
        assert np.array_equal(parts["image"], image) and np.array_equal(parts["mask"], mask)
    for index in range(0 if ds.target_part else len(ds)):
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
        first = ds.parts(index)[ds.part_info[0].name]
        assert np.array_equal(first, sample), f"{preset} sample {index}"
    # The same dataset from its overrides as keyword arguments, and from its whole spec.
    short = fdsl.Dataset(preset.split("/")[0], seed=4, **SMALL[preset])
    assert short.spec == spec and np.array_equal(short[len(ds) - 1][0], ds[len(ds) - 1][0])
    assert fdsl.Dataset.from_spec(spec).spec == spec


@pytest.mark.parametrize("preset", [p for p in SMALL if not p.endswith("scenes")])
def test_batches_are_single_samples_whatever_the_threads(rendered, preset):
    ds = fdsl.Dataset.from_manifest(rendered[preset])
    indices = list(reversed(range(len(ds)))) + [0, 0]
    singles = np.stack([ds[i][0] for i in indices])
    if ds.target_part:  # the images and their masks, the volumes and their labels
        first, target = ds.part_info[0].name, ds.target_part
        masks = np.stack([ds[i][1] for i in indices])
        for threads in (None, 1, 2, 0):
            images, got = ds.render_batch(indices, threads=threads)
            assert np.array_equal(images, singles) and np.array_equal(got, masks)
        parts, _ = ds.render_batch_parts(indices)
        assert np.array_equal(parts[first], singles) and np.array_equal(parts[target], masks)
        out, out_masks = np.zeros_like(singles), np.zeros_like(masks)
        ds.render_into(indices, out, threads=2, **{target: out_masks})
        assert np.array_equal(out, singles) and np.array_equal(out_masks, masks)
        with pytest.raises(TypeError, match=rf"the parts {first}, {target}: .*\(missing: \['{target}'\]\)"):
            ds.render_into(indices, out)
        # One array for both parts would be written twice, each part over the other.
        with pytest.raises(ValueError, match=f"the {first} and {target} arrays overlap"):
            ds.render_into(indices, out, **{target: out})
        return
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


# FractalDB's units and splits: 2 classes of 80 instances (2 weights of 40), the last 40 of each val.
FRACTALDB = {"categories": 2, "instances": 80, "size": 48, "points": 3000, "val_per_class": 40}


@pytest.mark.parametrize("method", ["fork", "spawn", "forkserver"])
def test_pickled_into_worker_processes_the_bytes_stay(method):
    ds = fdsl.Dataset("fractaldb-1k", seed=4, **FRACTALDB)
    ds.render_batch([0, 1], threads=2)  # worker threads before the fork: none may be inherited
    again = pickle.loads(pickle.dumps(ds))
    assert again.spec == ds.spec and np.array_equal(again[77][0], ds[77][0])
    chunks = [list(range(k, k + 40)) for k in (0, 40, 80, 120)]
    with multiprocessing.get_context(method).Pool(2) as pool:
        got = pool.map(_render, [(ds, c) for c in chunks])
    assert got == [ds.render_batch(c)[0].tobytes() for c in chunks]


def test_splits_units_and_metadata():
    ds = fdsl.Dataset("fractaldb-1k", seed=4, **FRACTALDB)
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
    # Masks asked of a family without them; a mask mode that does not exist.
    assert ds.target_part is None
    with pytest.raises(TypeError, match=r"the parts image: .*\(not a part: \['mask'\]\)"):
        ds.render_into([0], np.zeros((1, 32, 32), np.uint8), mask=np.zeros((1, 32, 32), np.uint8))
    with pytest.raises(ValueError, match="--mask-mode does not apply to the rcdb-1k preset"):
        fdsl.Dataset("rcdb-1k", mask_mode="filled")
    with pytest.raises(ValueError, match='--mask-mode: "M4" is not one of lines, rings, filled'):
        fdsl.Dataset("segrcdb", mask_mode="M4")
    # 1p-frac's and the statistical images' settings.
    with pytest.raises(ValueError, match="--delta: delta must be a number between 0 and 1"):
        fdsl.Dataset("1p-frac", delta=1.5)
    with pytest.raises(ValueError, match="--sigma: sigma must be a number above 0.1 and at most 5.9"):
        fdsl.Dataset("1p-frac", sigma=0.0)
    with pytest.raises(ValueError, match="--size: statistical images need a side that is a power of two"):
        fdsl.Dataset("stat-wmm", size=100)
    with pytest.raises(ValueError, match="--textures must be 1 to 10000, not 0"):
        fdsl.Dataset("dead-leaves-textured", textures=0)
    with pytest.raises(IndexError):
        ds[6]
    with pytest.raises(IndexError, match="index 6 is out of range for 6 samples"):
        ds.render_batch([0, 6])
    with pytest.raises(TypeError):
        ds["x"]
    with pytest.raises(TypeError, match="uint8"):
        ds.render_into([0], np.zeros((1, 32, 32), dtype=np.float32))
    with pytest.raises(
        ValueError, match=r"the image array has shape \(1, 32, 32\); these samples need \(2, 32, 32\)"
    ):
        ds.render_into([0, 1], np.zeros((1, 32, 32), dtype=np.uint8))
    with pytest.raises(ValueError):
        fdsl.Dataset.from_manifest("/nonexistent")


def test_misuse_is_refused_not_misread():
    ds = fdsl.Dataset("rcdb-1k", categories=2, instances=3, size=32)
    images, _labels = ds.render_batch(range(6))
    # out: C-contiguous and writable, else TypeError (a Fortran-ordered array got transposed images).
    with pytest.raises(TypeError, match="C-contiguous"):
        ds.render_into([0, 1], np.zeros((2, 32, 32), dtype=np.uint8, order="F"))
    with pytest.raises(TypeError, match="C-contiguous"):
        ds.render_into([0], np.zeros((1, 32, 64), dtype=np.uint8)[:, :, ::2])
    frozen = np.zeros((1, 32, 32), dtype=np.uint8)
    frozen.flags.writeable = False
    with pytest.raises(TypeError, match="writable"):
        ds.render_into([0], frozen)
    assert not frozen.any()
    # Indices are integers: floats, strings, booleans and 2-D arrays are refused.
    for bad in ([2.7], [2.0], ["1"], [True], np.array([[0, 1]]), np.array([0.0]), "01"):
        with pytest.raises(TypeError):
            ds.render_batch(bad)
    with pytest.raises(TypeError):
        ds[2.0]
    with pytest.raises(TypeError):
        ds.label(1.5)
    # Numpy integers wherever an int, negative indices wherever ds[-1] works.
    assert ds.label(-1) == 1 == ds.label(np.int64(5)) == ds.label(np.uint8(5))
    assert np.array_equal(ds[np.int32(-2)][0], images[4])
    batch, batch_labels = ds.render_batch(np.array([-1, 0, np.int16(-6)]))
    assert np.array_equal(batch, images[[5, 0, 0]]) and list(batch_labels) == [1, 0, 0]
    out = np.zeros((2, 32, 32), dtype=np.uint8)
    ds.render_into([np.int64(-1), 1], out, threads=np.int64(2))
    assert np.array_equal(out, images[[5, 1]])
    with pytest.raises(IndexError, match="index -7 is out of range for 6 samples"):
        ds.label(-7)
    with pytest.raises(IndexError, match=r"index 100000000000\.\.\. \(301 characters\)"):
        ds[10**300]
    same = fdsl.Dataset(
        "rcdb-1k", seed=np.uint64(0), categories=np.int64(2), instances=np.int32(3), size=np.int64(32)
    )
    assert np.array_equal(same.render_batch([0, 5])[0], images[[0, 5]])
    # seed=2**64 is named as the integer it is (JSON would read it as a float).
    with pytest.raises(
        ValueError, match=r"seed must be an integer from 0 to 2\*\*64 - 1, not 18446744073709551616"
    ):
        fdsl.Dataset("rcdb-1k", seed=2**64)
    with pytest.raises(ValueError, match="size must be an integer from 0 to 2"):
        fdsl.Dataset("rcdb-1k", size=-(2**70))
    with pytest.raises(TypeError, match="seed must be an integer, not float"):
        fdsl.Dataset("rcdb-1k", seed=1.0)


def test_threads_are_capped():
    ds = fdsl.Dataset("rcdb-1k", categories=2, instances=3, size=32)
    with pytest.raises(ValueError, match="threads must be 0 \\(one per core\\) to 4096, not 20000"):
        ds.render_batch([0, 1], threads=20000)
    with pytest.raises(ValueError, match="not -1"):
        ds.render_batch([0, 1], threads=-1)
    # The library refuses it too, whoever calls it.
    with pytest.raises(ValueError, match="threads must be 0 \\(one per core\\) to 4096, not 4097"):
        ds._inner.render_batch([0, 1], 4097)
    assert ds.render_batch([0, 1], threads=0)[0].shape == (2, 32, 32)


MEMORY_LIMITED = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))  # 1 GiB of address space
import fdsl
ds = fdsl.Dataset("rcdb-1k", categories=1000, instances=1000)
try:
    ds.render_batch(range(120000))
except MemoryError as e:
    print("MemoryError:", e)
try:
    fdsl.Dataset("rcdb-1k", size=8192, categories=1, instances=20).render_batch(range(20))
except MemoryError as e:
    print("MemoryError:", e)
print(ds.render_batch([0])[0].shape)
"""


def test_out_of_memory_is_a_memory_error_not_an_abort():
    result = subprocess.run(
        [sys.executable, "-c", MEMORY_LIMITED], capture_output=True, text=True, timeout=600, check=False
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("MemoryError: out of memory: a batch of 120000 samples needs 31.46 GB"), lines
    assert lines[0].endswith("render fewer samples at once"), lines
    assert lines[1].startswith("MemoryError: out of memory: a batch of 20 samples needs 1.34 GB"), lines
    assert lines[2] == "(1, 512, 512)"


def test_the_mask_shards_read_back_with_webdataset_and_numpy(tmp_path):
    """WebDataset shards (``KEY.png`` + ``KEY.seg.png``) and npy shards (images + masks) of SegRCDB hold
    the dataset's images and masks."""
    wds = pytest.importorskip("webdataset")
    flags = ["--categories", "9", "--instances", "7", "--size", "48", "--instances-per-image", "5"]
    for fmt in ("webdataset", "npy"):
        out = tmp_path / fmt
        subprocess.run(
            [
                fdsl_binary(),
                "render",
                "--preset",
                "segrcdb",
                "--out",
                str(out),
                "--format",
                fmt,
                "--shard-size",
                "3",
                *flags,
            ],
            check=True,
            capture_output=True,
        )
        ds = fdsl.Dataset.from_manifest(out)
        seen = set()
        if fmt == "webdataset":
            info = json.loads((out / "_info.json").read_text())
            urls = [str(out / name) for name in info["splits"]["train"]["filenames"]]
            for key, image, mask in (
                wds.WebDataset(urls, shardshuffle=False).decode("l8").to_tuple("__key__", "png", "seg.png")
            ):
                want_image, want_mask = ds[int(key)]
                assert np.array_equal(image, want_image) and np.array_equal(mask, want_mask), key
                seen.add(int(key))
        else:
            for images_path in sorted((out / "train").glob("images-*.npy")):
                images = np.load(images_path)
                masks = np.load(images_path.with_name(images_path.name.replace("images", "masks")))
                assert images.shape == masks.shape and masks.dtype == np.uint8
                for image, mask in zip(images, masks):
                    # Shards are shuffled: find each image's index by its bytes.
                    index = next(i for i in range(len(ds)) if np.array_equal(ds[i][0], image))
                    assert np.array_equal(mask, ds[index][1])
                    seen.add(index)
        assert seen == set(range(len(ds))), fmt


def test_prepared_texture_pool_gives_the_same_samples():
    lazy = fdsl.Dataset("dead-leaves-textured", instances=3, size=32, textures=3)
    prepared = fdsl.Dataset("dead-leaves-textured", instances=3, size=32, textures=3)
    prepared.prepare(threads=2)
    for i in range(3):
        assert np.array_equal(prepared[i][0], lazy[i][0])
    fdsl.Dataset("rcdb-1k", categories=1, instances=1, size=32).prepare()  # nothing to do
    with pytest.raises(ValueError, match="threads must be 0"):
        prepared.prepare(threads=-1)


def test_jpeg_settings_give_the_decoded_files(tmp_path):
    """A JPEG spec's samples are its files as Pillow decodes them, at any quality and subsampling;
    PNG on request gives the pixels before the encoding."""
    flags = ["--instances", "3", "--size", "64", "--seed", "5"]
    jpeg = ["--jpeg-quality", "60", "--jpeg-subsampling", "4:2:2"]
    subprocess.run(
        [fdsl_binary(), "render", "--preset", "stat-spectrum", "--out", str(tmp_path / "j"), *flags, *jpeg],
        check=True,
        capture_output=True,
    )
    ds = fdsl.Dataset(
        "stat-spectrum", instances=3, size=64, seed=5, jpeg_quality=60, jpeg_subsampling="4:2:2"
    )
    assert ds.spec["encoding"] == {"jpeg": {"quality": 60, "subsampling": "4:2:2"}}
    assert ds.spec == fdsl.Dataset.from_manifest(tmp_path / "j").spec
    raw = fdsl.Dataset("stat-spectrum", instances=3, size=64, seed=5, encoding="png")
    assert "encoding" not in raw.spec
    for index in range(3):
        decoded = np.asarray(Image.open(tmp_path / "j" / "train" / "00000" / f"{index:08}.jpg"))
        assert np.array_equal(ds[index][0], decoded), index
        assert not np.array_equal(raw[index][0], decoded), index
    with pytest.raises(ValueError, match="JPEG quality 24 is outside 25..=100"):
        fdsl.Dataset("stat-spectrum", jpeg_quality=24)
