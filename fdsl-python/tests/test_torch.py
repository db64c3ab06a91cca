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
