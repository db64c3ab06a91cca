"""PrimGeoSeg's NIfTI files as nibabel and MONAI read them: ``ds[i]`` is each (image, label) pair by
value, the headers carry the reference's affine and pixdim, the datalist joins to the files, and
``fdsl.torch`` gives the dict MONAI's ``LoadImaged`` + ``EnsureChannelFirstd`` make of them."""

import json
import os
import pathlib
import subprocess

import fdsl
import numpy as np
import pytest
from conftest import fdsl_binary

if os.environ.get("FDSL_REQUIRE_PYTHON"):
    import nibabel
else:
    nibabel = pytest.importorskip("nibabel", reason="nibabel reads the NIfTI files (pip install nibabel)")

FLAGS = ["--preset", "primgeoseg", "--instances", "4", "--size", "90", "--primitives", "6", "--seed", "5"]


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> pathlib.Path:
    out = tmp_path_factory.mktemp("primgeoseg") / "out"
    subprocess.run([fdsl_binary(), "render", "--out", str(out), *FLAGS], check=True, capture_output=True)
    return out


def test_ds_items_are_the_nifti_files_by_value(folder):
    ds = fdsl.Dataset.from_manifest(folder)
    assert len(ds) == 4 and ds.target_part == "labels"
    for i in range(len(ds)):
        volume, labels = ds[i]
        image_file = nibabel.load(folder / f"img/img{i:04}.nii.gz")
        label_file = nibabel.load(folder / f"label/label{i:04}.nii.gz")
        for f in (image_file, label_file):
            assert f.shape == (90, 90, 90) and f.get_data_dtype() == np.float64
            assert np.array_equal(f.affine, np.eye(4)) and f.header["sform_code"] == 2
            assert np.array_equal(f.header["pixdim"], np.ones(8, dtype=np.float32))
        image, label = image_file.get_fdata(), label_file.get_fdata()
        assert np.array_equal(image, volume) and np.array_equal(label, labels)
        assert set(np.unique(image)) <= {0.0, 128.0}
        assert label.min() == 0 and 0 < label.max() <= 32 and np.array_equal(label, np.round(label))


def test_the_datalist_joins_to_the_pairs(folder):
    datalist = json.loads((folder / "label_num4.json").read_text())
    pairs = [(e["image"], e["label"]) for e in datalist["training"]]
    assert pairs == [(f"img/img{i:04}.nii.gz", f"label/label{i:04}.nii.gz") for i in range(4)]
    assert datalist["validation"] == []  # the reference's first tenth of 4
    for image, label in pairs:  # MONAI's load_decathlon_datalist: os.path.join(base_dir, item)
        assert os.path.isfile(os.path.join(folder, image)) and os.path.isfile(os.path.join(folder, label))


def test_fdsl_torch_gives_monais_dict(folder):
    torch = pytest.importorskip("torch")
    import fdsl.torch

    ds = fdsl.Dataset.from_manifest(folder)
    data = fdsl.torch.FdslDataset(ds)
    item = data[2]
    image, label = item["image"], item["label"]
    assert image.dtype == torch.float32 and label.dtype == torch.float32
    assert tuple(image.shape) == tuple(label.shape) == (1, 90, 90, 90)
    want_image = nibabel.load(folder / "img/img0002.nii.gz").get_fdata()
    want_label = nibabel.load(folder / "label/label0002.nii.gz").get_fdata()
    assert np.array_equal(np.asarray(image[0]), want_image) and np.array_equal(
        np.asarray(label[0]), want_label
    )
    meta = image.meta if hasattr(image, "meta") else item["image_meta_dict"]
    assert np.array_equal(np.asarray(meta["affine"]), np.eye(4))
    assert np.array_equal(np.asarray(meta["pixdim"]), np.ones(8))
    assert tuple(meta["spatial_shape"]) == (90, 90, 90)
    batch = data.__getitems__([2, 0])
    assert torch.equal(batch[0]["label"], label) and set(batch[1]) == set(item)
    seen = fdsl.torch.FdslDataset(ds, transform=lambda d: sorted(d))[0]
    assert seen[:2] == ["image", "image_meta_dict"] or seen == ["image", "label"]


def test_fdsl_torch_equals_monais_own_loading_of_the_files(folder):
    """The item equals what MONAI itself makes of the NIfTI pair: ``LoadImaged`` then
    ``EnsureChannelFirstd`` over the datalist's entry, values, dtype, shape and affine."""
    torch = pytest.importorskip("torch")
    if os.environ.get("FDSL_REQUIRE_PYTHON"):
        import monai
    else:
        monai = pytest.importorskip("monai", reason="MONAI loads the NIfTI pairs (pip install monai)")
    import fdsl.torch
    from monai.transforms import Compose, EnsureChannelFirstd, LoadImaged

    load = Compose([LoadImaged(keys=["image", "label"]), EnsureChannelFirstd(keys=["image", "label"])])
    datalist = monai.data.load_decathlon_datalist(
        str(folder / "label_num4.json"), data_list_key="training", base_dir=str(folder)
    )
    data = fdsl.torch.FdslDataset(fdsl.Dataset.from_manifest(folder))
    for i, entry in enumerate(datalist):
        want, got = load(entry), data[i]
        for key in ("image", "label"):
            assert isinstance(got[key], monai.data.MetaTensor), key
            assert tuple(got[key].shape) == tuple(want[key].shape) == (1, 90, 90, 90)
            assert torch.equal(got[key].as_tensor(), want[key].as_tensor().to(torch.float32)), (i, key)
            assert np.array_equal(np.asarray(got[key].affine), np.asarray(want[key].affine)), (i, key)
            assert tuple(got[key].meta["spatial_shape"]) == tuple(want[key].meta["spatial_shape"])
