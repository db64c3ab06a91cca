"""fdsl.torch: a real DataLoader with worker processes (fork, spawn) gives the in-process bytes; the
unit sampler covers every sample once across ranks; torchvision transforms take the samples."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
import fdsl
import fdsl.torch


def small():
    return fdsl.Dataset("fractaldb-1k", categories=3, instances=80, size=48, points=3000, val_per_class=40)


def test_items_are_the_datasets_samples_as_tensors():
    ds = small()
    data = fdsl.torch.FdslDataset(ds, split="train")
    assert len(data) == 120
    image, label = data[45]  # train position 45: class 1, instance 5
    assert image.shape == (1, 48, 48) and image.dtype == torch.uint8 and label == 1
    assert np.array_equal(image[0].numpy(), ds[85][0])
    batch = data.__getitems__([45, 0])
    assert torch.equal(batch[0][0], image) and batch[1][1] == 0


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_a_dataloader_with_workers_gives_the_in_process_bytes(method):
    data = fdsl.torch.FdslDataset(small())
    sampler = fdsl.torch.UnitSampler(data, seed=3)
    expected = torch.stack([data[i][0] for i in sampler])
    loader = torch.utils.data.DataLoader(
        data, batch_size=16, sampler=sampler, num_workers=2, multiprocessing_context=method
    )
    got = torch.cat([images for images, _ in loader])
    assert torch.equal(got, expected)


def test_the_unit_sampler_covers_every_sample_once_across_ranks():
    data = fdsl.torch.FdslDataset(small())
    for epoch in (0, 1):
        parts = []
        for rank in range(2):
            sampler = fdsl.torch.UnitSampler(data, seed=7, rank=rank, world_size=2)
            sampler.set_epoch(epoch)
            parts.append(list(sampler))
            assert len(sampler) == len(parts[-1])
        assert not set(parts[0]) & set(parts[1])
        assert sorted(parts[0] + parts[1]) == list(range(len(data)))
    order = fdsl.torch.UnitSampler(data, seed=7).order()
    units = data.dataset.units()[order]
    assert (np.diff(units) != 0).sum() == len(set(units)) - 1, "each unit's samples come together"
    again = fdsl.torch.UnitSampler(data, seed=7)
    again.set_epoch(1)
    assert list(again.order()) != list(order), "the epoch reshuffles"
    mixed = fdsl.torch.UnitSampler(data, seed=7, window=3).order()
    assert sorted(mixed) == list(range(len(data))) and (np.diff(data.dataset.units()[mixed]) != 0).sum() > 5


def test_torchvision_transforms_take_the_samples():
    transforms = pytest.importorskip("torchvision.transforms")
    pipeline = transforms.Compose(
        [transforms.RandomResizedCrop(32), transforms.ToTensor(), transforms.Normalize([0.5], [0.5])]
    )
    data = fdsl.torch.FdslDataset(small(), transform=pipeline)
    image, label = data[0]
    assert image.shape == (1, 32, 32) and image.dtype == torch.float32 and label == 0
    loader = torch.utils.data.DataLoader(data, batch_size=8, sampler=fdsl.torch.UnitSampler(data))
    images, labels = next(iter(loader))
    assert images.shape == (8, 1, 32, 32) and labels.shape == (8,)


def test_colour_images_are_rgb_tensors_and_pil_images():
    ds = fdsl.Dataset("fractaldb-1k", categories=2, instances=8, size=40, points=3000, colour="hue")
    assert ds.sample_shape == (40, 40, 3)
    data = fdsl.torch.FdslDataset(ds)
    image, _ = data[5]
    assert image.shape == (3, 40, 40) and torch.equal(image.permute(1, 2, 0), torch.from_numpy(ds[5][0]))
    assert torch.equal(data.__getitems__([5])[0][0], image)
    transforms = pytest.importorskip("torchvision.transforms")
    seen = fdsl.torch.FdslDataset(ds, transform=transforms.PILToTensor())[5][0]
    assert torch.equal(seen, image)


def test_segmentation_masks_move_with_their_images_in_torchvision_v2():
    v2 = pytest.importorskip("torchvision.transforms.v2")
    from torchvision import tv_tensors

    ds = fdsl.Dataset("segrcdb", categories=9, instances=6, size=48, instances_per_image=5, val_per_class=2)
    data = fdsl.torch.FdslDataset(ds, split="train")
    assert len(data) == 4
    image, mask = data[3]
    assert isinstance(image, tv_tensors.Image) and isinstance(mask, tv_tensors.Mask)
    assert image.shape == (1, 48, 48) and mask.shape == (48, 48) and mask.dtype == torch.uint8
    want_image, want_mask = ds[3]
    assert np.array_equal(image[0].numpy(), want_image) and np.array_equal(mask.numpy(), want_mask)
    assert 0 < int(mask.max()) <= 9
    # A flip moves both; a photometric transform leaves the mask alone.
    flipped = fdsl.torch.FdslDataset(ds, split="train", transform=v2.RandomHorizontalFlip(p=1))
    image, mask = flipped[3]
    assert isinstance(mask, tv_tensors.Mask)
    assert np.array_equal(image[0].numpy(), want_image[:, ::-1]) and np.array_equal(
        mask.numpy(), want_mask[:, ::-1]
    )
    pipeline = v2.Compose(
        [v2.RandomResizedCrop(32), v2.ColorJitter(brightness=0.5), v2.ToDtype(torch.float32, scale=True)]
    )
    image, mask = fdsl.torch.FdslDataset(ds, transform=pipeline)[0]
    assert image.shape == (1, 32, 32) and image.dtype == torch.float32
    assert (
        mask.shape == (32, 32) and mask.dtype == torch.uint8 and set(mask.unique().tolist()) <= set(range(10))
    )
    # Batches (what the DataLoader asks) are the single items.
    batch = flipped.__getitems__([3, 0])
    assert torch.equal(batch[0][0], flipped[3][0]) and torch.equal(batch[0][1], flipped[3][1])
    images, masks = next(iter(torch.utils.data.DataLoader(data, batch_size=4)))
    assert images.shape == (4, 1, 48, 48) and masks.shape == (4, 48, 48)


def test_masks_read_from_fdsl_render_files_flip_together(tmp_path):
    """The files `fdsl render` writes, read as a segmentation pipeline reads mmsegmentation's layout
    (PIL images, the mask a tv_tensors.Mask), are the dataset's bytes and flip together."""
    import subprocess

    from conftest import fdsl_binary

    v2 = pytest.importorskip("torchvision.transforms.v2")
    from PIL import Image
    from torchvision import tv_tensors

    binary = fdsl_binary()
    flags = ["--categories", "9", "--instances", "6", "--size", "48", "--instances-per-image", "5"]
    subprocess.run([str(binary), "render", "--preset", "segrcdb", "--out", str(tmp_path), *flags], check=True)
    ds = fdsl.Dataset.from_manifest(tmp_path)
    for index in range(len(ds)):
        name = f"{index:06}.png"
        image = tv_tensors.Image(
            torch.from_numpy(np.array(Image.open(tmp_path / "images/training" / name)))[None]
        )
        mask = tv_tensors.Mask(
            torch.from_numpy(np.array(Image.open(tmp_path / "annotations/training" / name)))
        )
        want_image, want_mask = ds[index]
        assert np.array_equal(image[0].numpy(), want_image) and np.array_equal(mask.numpy(), want_mask)
        image, mask = v2.RandomHorizontalFlip(p=1)(image, mask)
        assert np.array_equal(image[0].numpy(), want_image[:, ::-1]) and np.array_equal(
            mask.numpy(), want_mask[:, ::-1]
        )
